# ruff: noqa: E501 (the reflections are prose)
"""Build a realistic demo portfolio: an ST0825 DevOps apprentice's first year, ~25 items.

Real-sounding reflections in Markdown, duties and KSBs with justifications, a few
drafts, two images and some logs attached, and a few items tagged against the
DDaT DevOps role too. Useful for screenshots, PDF and package checks, demos.

Run: .venv/bin/python tools/make_demo.py OUT.sqlite3 [--force]
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.services import evidence
from app.services.attachments import FileData
from app.services.evidence import TagInput
from app.services.portfolio import create_portfolio

T = TagInput

ITEMS: list[dict[str, object]] = [
    {
        "title": "Onboarding: local dev environment with Dev Containers",
        "date": "2025-09-15",
        "duties": ["D11"],
        "ksbs": [
            T("K25", "Compared Dev Containers with Nix and documented the trade-offs"),
            T("B2", "Asked for feedback from two senior engineers before adopting it"),
        ],
        "body": """## What I did
In my first fortnight I replaced our 14-page setup wiki with a **Dev Container** definition
for the `parcel-tracker` service, so a new starter gets a working environment in one step.

- `devcontainer.json` with Python 3.11, Poetry and the Postgres client
- a `postCreateCommand` that seeds the local database
- pre-commit hooks (ruff, mypy) installed automatically

## What I learned
Onboarding time dropped from about a day to **40 minutes** for the next starter.
I learned that reproducible environments are a DevOps concern, not just a convenience.""",
    },
    {
        "title": "CI pipeline for the parcel-tracker API (GitHub Actions)",
        "date": "2025-10-02",
        "duties": ["D5"],
        "ksbs": [
            T("K1", "Every merge to main now builds an artefact and runs 312 tests"),
            T("K2", "Trunk-based flow with short-lived branches and protected main"),
            T("S9", "Wrote the workflow YAML and the test matrix myself"),
            T("S16", "Added caching that cut the pipeline from 11 to 4 minutes"),
            T("B3", "Kept the team informed in stand-up as each stage went live"),
        ],
        "body": """## Context
The API had no automated build: releases were built on a developer laptop.

## What I did
I wrote a GitHub Actions workflow with four jobs:

1. **lint** – ruff and mypy
2. **test** – pytest against Python 3.11 and 3.12, with a Postgres service container
3. **build** – a Docker image tagged with the commit SHA
4. **scan** – Trivy on the image, failing on *critical* findings

```yaml
- uses: actions/cache@v4
  with:
    path: ~/.cache/pypoetry
    key: poetry-${{ hashFiles('poetry.lock') }}
```

## Result
Median pipeline time **4 min 10 s**; no laptop-built release since.""",
        "image": "pipeline",
    },
    {
        "title": "Terraform modules for the staging VPC",
        "date": "2025-10-20",
        "duties": ["D7"],
        "ksbs": [
            T("K7", "Infrastructure as code in HCL, reviewed like application code"),
            T("K8", "Replaced hand-built subnets with immutable, versioned modules"),
            T("S5", "Provisioned VPC, subnets, NAT and security groups from code"),
            T("S6", "Used remote state in S3 with DynamoDB locking"),
        ],
        "body": """## What I did
Staging had been built by hand in the console. I wrote three Terraform modules
(`network`, `security`, `bastion`) and imported the existing resources.

| Module   | Resources | Notes                         |
|----------|-----------|-------------------------------|
| network  | 23        | 3 AZs, private + public tiers |
| security | 11        | least-privilege groups        |
| bastion  | 5         | SSM only, no SSH keys         |

## Reflection
`terraform import` was slower than expected; next time I would rebuild rather than import.""",
    },
    {
        "title": "Pair programming on the rate-limiter with Amira",
        "date": "2025-11-04",
        "duties": ["D3"],
        "ksbs": [
            T("K20", "Driver/navigator rotation every 25 minutes"),
            T("S13", "Test-first: wrote the failing tests before the token bucket"),
            T("B1", "Took the driver role on unfamiliar code and asked when stuck"),
        ],
        "body": """We paired for two days on a token-bucket rate limiter for the public API.
We rotated driver and navigator every Pomodoro and wrote the tests first.

> "Make it work, make it right, make it fast" — we only needed the first two.

I found pairing tiring but it caught two off-by-one errors before review.""",
    },
    {
        "title": "Incident review: expired TLS certificate on the customer portal",
        "date": "2025-11-18",
        "duties": ["D10", "D13"],
        "ksbs": [
            T("K11", "Added certificate-expiry alerts 30 and 7 days ahead"),
            T("K13", "Blameless review format; timeline from logs"),
            T("S7", "Led the review meeting and wrote the actions"),
            T("B4", "Owned the follow-up actions to completion"),
        ],
        "body": """## What happened
The portal's certificate expired at 02:14; customers saw browser warnings for 47 minutes.

## Timeline
- 02:14 certificate expires
- 02:31 first customer email
- 03:01 on-call engineer renews manually

## Actions (all done)
- [x] cert-manager for automatic renewal
- [x] Prometheus alert `probe_ssl_earliest_cert_expiry < 30d`
- [x] runbook entry

I learned how much a *blameless* format helps people speak openly.""",
        "files": [
            (
                "incident-timeline.log",
                "02:14:00 TLS handshake failures start\n"
                "02:31:12 support ticket #48211\n03:01:40 certificate renewed\n",
            )
        ],
    },
    {
        "title": "Grafana dashboards for the order pipeline",
        "date": "2025-12-03",
        "duties": ["D10"],
        "ksbs": [
            T("K11", "RED metrics per service: rate, errors, duration"),
            T("S17", "Built the dashboards as code with Grafonnet"),
            T("S19", "Set SLO-based alerts instead of CPU thresholds"),
        ],
        "body": """I built three dashboards (overview, per-service, queues) as **code**, so they are
reviewed and versioned. Alerts now fire on SLO burn rate rather than raw CPU.

The on-call team said the overview board cut their triage time noticeably.""",
        "image": "dashboard",
    },
    {
        "title": "Release automation with Argo CD",
        "date": "2026-01-09",
        "duties": ["D6"],
        "ksbs": [
            T("K15", "GitOps: the cluster state follows the repository"),
            T("K17", "Canary releases with automated rollback on error rate"),
            T("S12", "Wrote the ApplicationSet and rollout strategy"),
            T("S15", "Rolled back a bad build in under two minutes in a game day"),
        ],
        "body": """Deployments used to be `kubectl apply` from a laptop. I introduced Argo CD and
Argo Rollouts:

- every environment is a folder in the `deploy` repository
- production rollouts go 10% → 50% → 100% with analysis between steps
- an error rate above 1% aborts and rolls back automatically

In a game day we pushed a deliberately broken image: it was rolled back in **1 min 40 s**.""",
    },
    {
        "title": "Dependency and container scanning in CI",
        "date": "2026-01-22",
        "duties": ["D9"],
        "ksbs": [
            T("K5", "Compared Trivy, Grype and Snyk for our stack"),
            T("K12", "Shift-left: findings appear on the pull request"),
            T("S10", "Configured severity thresholds with the security team"),
            T("S14", "Automated Dependabot updates with auto-merge for patch versions"),
        ],
        "body": """Security findings used to arrive in a quarterly report. Now they appear on the pull
request that introduces them. I agreed thresholds with the security team: critical blocks
the merge, high creates a ticket.""",
    },
    {
        "title": "Threat modelling workshop for the payments integration",
        "date": "2026-02-05",
        "duties": ["D9", "D8"],
        "ksbs": [
            T("K5", "Used STRIDE on the data-flow diagram"),
            T("K3", "Considered the handling of customers' card data"),
            T("S3", "Turned the threats into backlog items with owners"),
        ],
        "body": """I facilitated a two-hour STRIDE session with developers, security and the product
owner. We found 14 threats; the three highest became stories in the next sprint.""",
    },
    {
        "title": "Lunch-and-learn: Kubernetes probes explained",
        "date": "2026-02-19",
        "duties": ["D2"],
        "ksbs": [
            T("K18", "Shared what I learned with 20 colleagues"),
            T("S1", "Prepared a live demo and a written guide"),
            T("B2", "Invited questions and updated the guide afterwards"),
        ],
        "body": """A 30-minute talk with a live demo of liveness vs readiness probes, and why our
worker pods were being restarted during long jobs. Feedback score 4.6/5.""",
    },
    {
        "title": "Agile ceremonies: running the team retrospective",
        "date": "2026-03-02",
        "duties": ["D4"],
        "ksbs": [
            T("K9", "Used the 4Ls format to vary the retro"),
            T("S4", "Time-boxed and kept the actions SMART"),
            T("B1", "Stepped into facilitation for the first time"),
        ],
        "body": """I facilitated my first retrospective. Three actions came out of it, and all three
were done by the next retro.""",
    },
    {
        "title": "Automating certificate renewal with cert-manager",
        "date": "2026-03-10",
        "duties": ["D12"],
        "ksbs": [
            T("K14", "Replaced a manual, error-prone task with automation"),
            T("S7", "Wrote ClusterIssuer and Certificate manifests"),
        ],
        "body": """The follow-up from the TLS incident: every certificate is now issued and renewed
by cert-manager using DNS-01 challenges. No manual renewals since.""",
    },
    {
        "title": "Capacity planning for Black Friday",
        "date": "2026-03-24",
        "duties": ["D8"],
        "ksbs": [
            T("K21", "Load-tested with k6 at three times last year's peak"),
            T("S11", "Set HPA limits from the test results"),
            T("S21", "Presented the plan to the architecture forum"),
        ],
        "body": """I ran k6 load tests at **3x** last year's peak, found the database connection pool
was the bottleneck, and sized PgBouncer and the HPA limits from the results.""",
    },
    {
        "title": "Log aggregation with Loki",
        "date": "2026-04-07",
        "duties": ["D10"],
        "ksbs": [
            T("K11", "Structured JSON logs with trace ids"),
            T("S17", "Deployed Loki with the Helm chart and retention rules"),
        ],
        "body": """Moved from SSH-and-grep to Loki with structured logs. Retention is 30 days hot,
365 days in object storage.""",
    },
    {
        "title": "Mob programming: migrating to Python 3.12",
        "date": "2026-04-16",
        "duties": ["D3", "D1"],
        "ksbs": [
            T("K6", "Problem-solving as a group on the async changes"),
            T("S18", "Upgraded the CI matrix and fixed the deprecations"),
        ],
        "body": """Four of us mobbed for a day to upgrade the service. The test suite made it safe.""",
    },
    {
        "title": "Writing a Python CLI to clean up stale feature environments",
        "date": "2026-04-28",
        "duties": ["D1", "D12"],
        "ksbs": [
            T("K4", "Saved an estimated £600 a month in idle cloud spend"),
            T("K7", "General-purpose Python alongside Terraform"),
            T("S9", "Typed, tested CLI with 94% coverage"),
            T("S22", "Used the cloud provider's SDK and APIs"),
        ],
        "body": """Feature environments were left running for weeks. I wrote `envsweeper`, a CLI that
finds environments with no deploys for 7 days and tears them down after a Slack warning.

```python
@app.command()
def sweep(days: int = 7, dry_run: bool = True) -> None:
    for env in stale_environments(days):
        warn_owner(env) if dry_run else destroy(env)
```""",
    },
    {
        "title": "Architecture decision record: queues over synchronous calls",
        "date": "2026-05-06",
        "duties": ["D8"],
        "ksbs": [
            T("K24", "Weighed latency against resilience"),
            T("S8", "Wrote the ADR and took it through review"),
        ],
        "body": """ADR-014 proposes SQS between order intake and fulfilment so a fulfilment outage
no longer loses orders. Accepted after one round of review.""",
    },
    {
        "title": "Blue/green database migrations",
        "date": "2026-05-14",
        "duties": ["D6", "D13"],
        "ksbs": [
            T("K17", "Expand/contract pattern for zero-downtime schema changes"),
            T("S4", "Coordinated the change across two teams"),
        ],
        "body": """Drafting: how we changed the `orders` table without downtime using expand/contract.""",
        "status": "draft",
    },
    {
        "title": "Chaos game day on the staging cluster",
        "date": "2026-05-21",
        "duties": ["D10", "D7"],
        "ksbs": [T("K13", "Tested our alerting and runbooks under failure")],
        "body": """Notes so far: killed a node, a zone, and the database primary. Two runbooks need
updating.""",
        "status": "draft",
    },
    {
        "title": "Cost dashboard and tagging policy",
        "date": "2026-05-29",
        "duties": ["D11", "D12"],
        "ksbs": [
            T("K22", "Followed FinOps guidance for tagging"),
            T("K23", "Shared the dashboard with product owners"),
        ],
        "body": """A tagging policy enforced in Terraform and a cost dashboard per team.""",
    },
    {
        "title": "Secrets management with Vault",
        "date": "2026-06-04",
        "duties": ["D9"],
        "ksbs": [
            T("K16", "Short-lived dynamic database credentials"),
            T("S3", "Removed 41 long-lived secrets from CI variables"),
        ],
        "body": """Moved CI and application secrets to Vault with dynamic database credentials.""",
    },
    {
        "title": "Mentoring the new apprentice on Git workflows",
        "date": "2026-06-11",
        "duties": ["D2", "D11"],
        "ksbs": [
            T("K19", "Explained our branching and review norms"),
            T("B2", "Gave and received feedback in weekly one-to-ones"),
        ],
        "body": """Weekly sessions with our new apprentice on rebasing, reviews and commit messages.""",
    },
    {
        "title": "Accessibility checks in the front-end pipeline",
        "date": "2026-06-18",
        "duties": ["D5"],
        "ksbs": [
            T("K10", "The user experience includes users of assistive technology"),
            T("S20", "Added axe-core checks that fail the build on new violations"),
        ],
        "body": """Added automated accessibility checks (axe-core) to the front-end pipeline.""",
    },
    {
        "title": "Observability reading notes: SRE workbook",
        "date": "2026-06-25",
        "duties": ["D11"],
        "ksbs": [T("K25", "Applied error budgets from the workbook to our SLOs")],
        "body": """Notes in progress on chapters 2–5 of the SRE workbook.""",
        "status": "draft",
    },
]

DDAT_TAGS = {  # a few items tagged against the DDaT DevOps role as well
    "E002": [("DDAT-DEVOPS:DS6", "Built the CI and deployment automation"), ("DDAT-DEVOPS:L2", "")],
    "E006": [("DDAT-DEVOPS:DS1", "Dashboards and SLOs for availability"), ("DDAT-DEVOPS:L2", "")],
    "E013": [("DDAT-DEVOPS:DS1", "Capacity planning with load tests"), ("DDAT-DEVOPS:L2", "")],
}


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    font_path = Path(__file__).resolve().parents[1] / "resources" / "fonts" / "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(font_path), size)
    except OSError:
        return ImageFont.load_default()


def pipeline_png() -> bytes:
    """A CI pipeline diagram: four green stages."""
    image = Image.new("RGB", (1200, 360), "#F6F8FA")
    draw = ImageDraw.Draw(image)
    draw.text((40, 30), "parcel-tracker · main · #482", fill="#24292F", font=_font(30))
    for n, (stage, secs) in enumerate([("lint", "38s"), ("test", "2m 41s"), ("build", "52s"),
                                       ("scan", "19s")]):  # fmt: skip
        x = 40 + n * 290
        draw.rounded_rectangle(
            (x, 120, x + 250, 260), 18, fill="#DAFBE1", outline="#1A7F37", width=4
        )
        draw.text((x + 30, 150), f"✓ {stage}", fill="#1A7F37", font=_font(34))
        draw.text((x + 30, 205), secs, fill="#57606A", font=_font(26))
        if n < 3:
            draw.line((x + 250, 190, x + 290, 190), fill="#57606A", width=4)
    return _png(image)


def dashboard_png() -> bytes:
    """A request-rate / latency dashboard."""
    image = Image.new("RGB", (1200, 600), "#181B1F")
    draw = ImageDraw.Draw(image)
    draw.text((30, 20), "Order pipeline — overview", fill="#D8D9DA", font=_font(30))
    for panel, (title, colour) in enumerate([("Requests / s", "#73BF69"), ("p95 latency (ms)",
                                                                           "#F2CC0C")]):  # fmt: skip
        top = 90 + panel * 250
        draw.rectangle((30, top, 1170, top + 220), outline="#2C3235", width=2)
        draw.text((45, top + 10), title, fill="#D8D9DA", font=_font(22))
        points = [
            (50 + i * 28, top + 190 - int(70 + 60 * ((i * 7 + panel * 3) % 11) / 10))
            for i in range(40)
        ]
        draw.line(points, fill=colour, width=4)
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def build(path: Path) -> None:
    db = create_portfolio(
        path,
        name="Jordan Okafor",
        uln="4820193756",
        employer="Northwind Logistics Ltd",
        provider="Pennine Digital Skills",
    )
    images = {"pipeline": ("pipeline-run-482.png", pipeline_png),
              "dashboard": ("grafana-order-pipeline.png", dashboard_png)}  # fmt: skip
    with db.transaction() as s:
        for spec in ITEMS:
            extra: list[tuple[str, str]] = spec.get("files", [])  # type: ignore[assignment]
            files = [FileData(name, text.encode()) for name, text in extra]
            if "image" in spec:
                name, draw = images[str(spec["image"])]
                files.append(FileData(name, draw()))
            evidence.add_item(
                s,
                title=str(spec["title"]),
                date=str(spec["date"]),
                body=str(spec["body"]),
                status=str(spec.get("status", "ready")),
                ksbs=spec["ksbs"],  # type: ignore[arg-type]
                duties=spec["duties"],  # type: ignore[arg-type]
                files=files,
            )
        for ref, tags in DDAT_TAGS.items():
            for code, why in tags:
                evidence.tag(s, ref, code, why)
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the portfolio file to create")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    args = parser.parse_args()
    if args.out.exists():
        if not args.force:
            raise SystemExit(f"{args.out} exists; pass --force to replace it")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.out}{suffix}").unlink(missing_ok=True)
    build(args.out)
    print(f"{args.out}: {len(ITEMS)} items for Jordan Okafor (ST0825)")


if __name__ == "__main__":
    main()
