# Build, smoke-test, sign and verify the Windows installer of Apprentice Portfolio.
#
# usage (PowerShell 7, from a clean clone, on a Windows runner with Python 3.11 and
# Inno Setup 6):  pwsh packaging/windows/build.ps1
#
# Signing (Authenticode) happens when the code-signing certificate is in the environment,
# which the release workflow fills from its secret store:
#   WINDOWS_CERT_PFX_BASE64   the .pfx file, base64
#   WINDOWS_CERT_PASSWORD     its password
#   WINDOWS_TIMESTAMP_URL     RFC 3161 timestamp server (default http://timestamp.digicert.com)
# Without them the build is UNSIGNED and says so. Each signed file is checked at once with
# `signtool verify /pa`, as an IT team's deployment tool would.
#
# Writes to dist\: apprentice-portfolio-VERSION-windows-x64-setup.exe and its CycloneDX SBOM
# (apprentice-portfolio-VERSION-windows-x64.cdx.json).
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $root
$python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$build = Join-Path $root "build\windows"
$dist = Join-Path $root "dist"

function Invoke-Checked {
    param([string]$Exe, [string[]]$Arguments)
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed ($LASTEXITCODE)" }
}

# ---- inputs: the commit and its time --------------------------------------------------
if ((git status --porcelain) -and ($env:PORTFOLIO_ALLOW_DIRTY -ne "1")) {
    throw "the work tree has uncommitted changes; build from a clean clone"
}
$env:SOURCE_DATE_EPOCH = (git log -1 --format=%ct).Trim()
$env:PYTHONHASHSEED = "0"
$env:PYTHONDONTWRITEBYTECODE = "1"
$commitTime = [DateTimeOffset]::FromUnixTimeSeconds([long]$env:SOURCE_DATE_EPOCH).UtcDateTime
$version = (Select-String -Path "app\__init__.py" -Pattern '^__version__ = "(.*)"$').Matches[0].Groups[1].Value

$signing = [bool]$env:WINDOWS_CERT_PFX_BASE64
if (-not $signing) {
    Write-Warning "NO CODE-SIGNING CERTIFICATE: this installer is UNSIGNED and not for release."
}

# ---- a venv of our own, from the hash-pinned lock files only --------------------------
if (Test-Path $build) { Remove-Item -Recurse -Force $build }
New-Item -ItemType Directory -Force $build | Out-Null
Invoke-Checked $python @("-m", "venv", "$build\venv")
$venvPy = "$build\venv\Scripts\python.exe"
Invoke-Checked $venvPy @("-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps",
    "--only-binary", ":all:", "-r", "packaging\requirements-runtime.lock",
    "-r", "packaging\requirements-build.lock")

# ---- freeze and smoke-test --------------------------------------------------------------
$env:PORTFOLIO_BUNDLE_CONTENTS = "$build\bundle-contents.json"
Invoke-Checked $venvPy @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "$build\pyinstaller-dist", "--workpath", "$build\pyinstaller-work",
    "packaging\portfolio.spec")
$bundle = "$build\pyinstaller-dist\portfolio"
# Git for Windows' bash runs the same smoke test as Linux against portfolio.exe.
Invoke-Checked "bash" @("packaging/smoke-test.sh", ($bundle -replace '\\', '/') + "/portfolio.exe")
Invoke-Checked "$build\venv\Scripts\cyclonedx-py.exe" @("environment", "--pyproject", "pyproject.toml",
    "--output-reproducible", "-o", "$build\environment.cdx.json", "$build\venv")

# ---- sign (and verify) the programs, build the installer, sign (and verify) it ---------
$signtool = $null
$pfx = Join-Path ([IO.Path]::GetTempPath()) "portfolio-codesign-$PID.pfx"
function Invoke-SignAndVerify {
    param([string[]]$Files)
    if (-not $signing) { return }
    $timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    Invoke-Checked $signtool (@("sign", "/fd", "sha256", "/f", $pfx, "/p", $env:WINDOWS_CERT_PASSWORD,
            "/tr", $timestamp, "/td", "sha256", "/d", "Apprentice Portfolio") + $Files)
    Invoke-Checked $signtool (@("verify", "/pa", "/v") + $Files)
}
try {
    if ($signing) {
        $signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
            Sort-Object FullName -Descending | Select-Object -First 1 -ExpandProperty FullName
        if (-not $signtool) { throw "signtool.exe not found (Windows SDK)" }
        [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERT_PFX_BASE64))
    }
    Invoke-SignAndVerify @("$bundle\portfolio.exe", "$bundle\Apprentice Portfolio.exe")

    if (Test-Path $dist) { Remove-Item -Recurse -Force $dist }
    New-Item -ItemType Directory -Force $dist | Out-Null
    $iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
    if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
    Invoke-Checked $iscc @("/Q", "/DAppVersion=$version", "/DSourceDir=$bundle", "/DOutputDir=$dist",
        "/DTouchDate=$($commitTime.ToString('yyyy-MM-dd'))", "/DTouchTime=$($commitTime.ToString('HH:mm:ss'))",
        "packaging\windows\portfolio.iss")
    $setup = "$dist\apprentice-portfolio-$version-windows-x64-setup.exe"
    Invoke-Checked $venvPy @("packaging\sbom.py", "$build\environment.cdx.json",
        "$build\bundle-contents.json", "$bundle\_internal",
        "$dist\apprentice-portfolio-$version-windows-x64.cdx.json", "--commit", (git rev-parse HEAD).Trim())
    Invoke-SignAndVerify @($setup)
}
finally {
    if (Test-Path $pfx) { Remove-Item -Force $pfx }
}

# ---- a silent per-user install and uninstall, as IT would deploy it ---------------------
$log = "$build\install.log"
$p = Start-Process -FilePath $setup -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/LOG=`"$log`"")
if ($p.ExitCode -ne 0) { throw "silent install failed ($($p.ExitCode)); see $log" }
$installed = Join-Path $env:LOCALAPPDATA "Programs\Apprentice Portfolio"
Invoke-Checked "$installed\portfolio.exe" @("--version")
$association = (Get-ItemProperty "HKCU:\Software\Classes\.portfolio").'(default)'
if ($association -ne "ApprenticePortfolio.Package") { throw ".portfolio is not registered ($association)" }
$p = Start-Process -FilePath "$installed\unins000.exe" -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
if ($p.ExitCode -ne 0) { throw "silent uninstall failed ($($p.ExitCode))" }

Write-Host "Built $setup"
Get-FileHash -Algorithm SHA256 $setup | Format-List
if (-not $signing) { Write-Warning "UNSIGNED: do not publish $setup" }
