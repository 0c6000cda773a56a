; Inno Setup 6 script for Apprentice Portfolio (built by packaging/windows/build.ps1).
;
; Installs per user by default, with no administrator rights, into
;   %LOCALAPPDATA%\Programs\Apprentice Portfolio
; or, from an elevated prompt with /ALLUSERS, for every user into Program Files.
; Silent install (what IT deployment tools run):
;   apprentice-portfolio-VERSION-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Registers the .portfolio file type (opened in the read-only review mode). The app never
; connects to a network and never updates itself.

#ifndef AppVersion
  #error Pass /DAppVersion=X.Y.Z (build.ps1 does)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\windows\pyinstaller-dist\portfolio"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef TouchDate
  #define TouchDate "current"
  #define TouchTime "current"
#endif

#define AppName "Apprentice Portfolio"
#define GuiExe "Apprentice Portfolio.exe"
#define ProgId "ApprenticePortfolio.Package"

[Setup]
; AppId identifies the product for upgrades and uninstall: never change it.
AppId={{8F3C1E52-6A57-4B8E-9B2C-3D1A5E7F9C40}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Apprentice Portfolio
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=commandline dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=apprentice-portfolio-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\portfolio.ico
UninstallDisplayIcon={app}\{#GuiExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
CloseApplications=yes
; File times from the commit (SOURCE_DATE_EPOCH), not from the build machine's clock.
TimeStampsInUTC=yes
TouchDate={#TouchDate}
TouchTime={#TouchTime}

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#GuiExe}"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for an /ALLUSERS one.
Root: HKA; Subkey: "Software\Classes\.portfolio"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.portfolio"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-apprentice-portfolio"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.portfolio\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Apprentice Portfolio package"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#GuiExe}"" open ""%1"""

[Run]
Filename: "{app}\{#GuiExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
