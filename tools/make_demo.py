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
            T("S16", "Cut onboarding for the next starter from a day to 40 minutes"),
            T("B2", "Learned Dev Containers in my own time before proposing them"),
            T("K4", "Showed my manager the time saved for every new starter"),
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
            T("K2", "Short-lived branches with a protected main branch"),
            T("K15", "Documented where our CI ends and continuous delivery begins"),
            T("S9", "The Trivy image scan fails the build on critical findings"),
            T("S14", "Added integration tests against a real Postgres service"),
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
            T(
                "K8",
                "Replaced hand-built subnets with versioned modules that are rebuilt, not patched",
            ),
            T("S5", "Staging is now deployed as immutable infrastructure from code"),
            T("S18", "Specified the VPC, subnets and security groups in Terraform"),
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
            T("K20", "Chose pairing over mobbing for a two-person, two-day task"),
            T("S13", "Driver/navigator rotation every 25 minutes"),
            T("S14", "Test-first: wrote the failing tests before the token bucket"),
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
            T("K23", "Ran the review blamelessly: causes, not culprits"),
            T("K6", "Used a fishbone diagram to find the contributing causes"),
            T("S19", "Rebuilt the timeline from load-balancer and application logs"),
            T("B4", "Kept the meeting inclusive; everyone on call spoke"),
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
            T("S6", "Installed and configured Grafana and its Prometheus data source"),
            T("S19", "SLO burn-rate alerts instead of raw CPU thresholds"),
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
            T("K15", "GitOps continuous deployment: the cluster follows the repository"),
            T("K13", "Scripted promotions through the Argo CD API"),
            T("S12", "Removed 30 minutes of manual deployment steps per release"),
            T("S15", "Canary releases that roll back automatically on error rate"),
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
            T("S9", "Findings now appear on the pull request that introduces them"),
            T("S10", "Agreed severity thresholds with the security team: critical blocks"),
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
            T("K5", "Facilitated STRIDE threat modelling on the data-flow diagram"),
            T("K3", "Weighed what card data we should not keep at all"),
            T("K22", "Checked the design against PCI DSS requirements"),
            T("S2", "Ran the session with the payment provider's own engineers"),
            T("S3", "Turned the top three threats into user stories with acceptance criteria"),
        ],
        "body": """I facilitated a two-hour STRIDE session with developers, security and the product
owner. We found 14 threats; the three highest became stories in the next sprint.""",
    },
    {
        "title": "Lunch-and-learn: Kubernetes probes explained",
        "date": "2026-02-19",
        "duties": ["D2"],
        "ksbs": [
            T("S4", "Shared what I learned with 20 colleagues"),
            T("S1", "A live demo for developers and a plain-English summary for product owners"),
            T("K19", "Recorded it and posted notes for those who could not attend"),
        ],
        "body": """A 30-minute talk with a live demo of liveness vs readiness probes, and why our
worker pods were being restarted during long jobs. Feedback score 4.6/5.""",
    },
    {
        "title": "Agile ceremonies: running the team retrospective",
        "date": "2026-03-02",
        "duties": ["D4"],
        "ksbs": [
            T("K23", "All three actions were done by the next retro"),
            T("K9", "Compared how Scrum and Kanban teams run retrospectives"),
            T("S8", "Facilitated for a team of developers, testers and a designer"),
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
            T("S12", "No manual certificate renewals since March"),
            T("K13", "DNS-01 challenges through the DNS provider's API"),
            T("B3", "Owned the incident's follow-up through to production"),
        ],
        "body": """The follow-up from the TLS incident: every certificate is now issued and renewed
by cert-manager using DNS-01 challenges. No manual renewals since.""",
    },
    {
        "title": "Capacity planning for Black Friday",
        "date": "2026-03-24",
        "duties": ["D8"],
        "ksbs": [
            T("K21", "Sized the platform from load-test results, not guesses"),
            T("S11", "Tested one hypothesis at a time to find the connection-pool bottleneck"),
            T("S21", "Whiteboarded the options with the architecture forum"),
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
            T("S6", "Deployed Loki with the Helm chart and retention rules"),
            T("S7", "Followed one order across four services by its trace id"),
        ],
        "body": """Moved from SSH-and-grep to Loki with structured logs. Retention is 30 days hot,
365 days in object storage.""",
    },
    {
        "title": "Mob programming: migrating to Python 3.12",
        "date": "2026-04-16",
        "duties": ["D3", "D1"],
        "ksbs": [
            T("S13", "Four of us mobbed for a day on the async changes"),
            T("K20", "Chose mobbing because the change touched everyone's code"),
            T("S17", "Fixed the deprecations in the service's Python code"),
            T("S22", "Small behaviour-preserving commits, each one green"),
        ],
        "body": """Four of us mobbed for a day to upgrade the service. The test suite made it safe.""",
    },
    {
        "title": "Writing a Python CLI to clean up stale feature environments",
        "date": "2026-04-28",
        "duties": ["D1", "D12"],
        "ksbs": [
            T("K4", "Saves an estimated £600 a month in idle cloud spend"),
            T("K7", "General-purpose Python alongside our Terraform"),
            T("K17", "Read the cloud provider's API reference to list and tag environments"),
            T("S14", "Typed and tested, 94% coverage"),
            T("S17", "Wrote the CLI in Python with Typer"),
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
            T("K21", "Weighed latency against resilience for order intake"),
            T("K12", "Chose durable queue storage so no order is lost in an outage"),
            T("K24", "Chose managed SQS over running our own RabbitMQ"),
            T("S21", "Took the ADR through review with a whiteboard sketch"),
        ],
        "body": """ADR-014 proposes SQS between order intake and fulfilment so a fulfilment outage
no longer loses orders. Accepted after one round of review.""",
    },
    {
        "title": "Blue/green database migrations",
        "date": "2026-05-14",
        "duties": ["D6", "D13"],
        "ksbs": [
            T("K12", "Expand/contract for zero-downtime schema changes"),
            T("S20", "Feature toggle to switch reads to the new column"),
        ],
        "body": """Drafting: how we changed the `orders` table without downtime using expand/contract.""",
        "status": "draft",
    },
    {
        "title": "Chaos game day on the staging cluster",
        "date": "2026-05-21",
        "duties": ["D10", "D7"],
        "ksbs": [
            T("S7", "Found where retries hid a failed zone"),
        ],
        "body": """Notes so far: killed a node, a zone, and the database primary. Two runbooks need
updating.""",
        "status": "draft",
    },
    {
        "title": "Cost dashboard and tagging policy",
        "date": "2026-05-29",
        "duties": ["D11", "D12"],
        "ksbs": [
            T("K4", "Cost per team visible to product owners"),
            T("K24", "Used the provider's native cost tools rather than a SaaS product"),
            T("S12", "Tag policy enforced automatically in Terraform"),
        ],
        "body": """A tagging policy enforced in Terraform and a cost dashboard per team.""",
    },
    {
        "title": "Secrets management with Vault",
        "date": "2026-06-04",
        "duties": ["D9"],
        "ksbs": [
            T("K16", "Short-lived dynamic database credentials; secrets encrypted at rest"),
            T("S9", "Removed 41 long-lived secrets from CI variables"),
            T("S10", "Rotated first the secrets with the widest access"),
        ],
        "body": """Moved CI and application secrets to Vault with dynamic database credentials.""",
    },
    {
        "title": "Mentoring the new apprentice on Git workflows",
        "date": "2026-06-11",
        "duties": ["D2", "D11"],
        "ksbs": [
            T("S4", "Weekly sessions on rebasing, reviews and commit messages"),
            T("S16", "Helped plan the new apprentice's learning for the quarter"),
            T("K18", "Explained who does what across the platform and product teams"),
            T("B1", "Paired with them on their first production change"),
        ],
        "body": """Weekly sessions with our new apprentice on rebasing, reviews and commit messages.""",
    },
    {
        "title": "Accessibility checks in the front-end pipeline",
        "date": "2026-06-18",
        "duties": ["D5"],
        "ksbs": [
            T("K10", "Users of assistive technology are users too"),
            T("S14", "axe-core checks fail the build on new violations"),
        ],
        "body": """Added automated accessibility checks (axe-core) to the front-end pipeline.""",
    },
    {
        "title": "Observability reading notes: SRE workbook",
        "date": "2026-06-25",
        "duties": ["D11"],
        "ksbs": [
            T("B2", "Reading a chapter a week"),
            T("K22", "Notes on how SRE practice is spreading across UK government services"),
        ],
        "body": """Notes in progress on chapters 2–5 of the SRE workbook.""",
        "status": "draft",
    },
    {
        "title": "AWS Certified Solutions Architect – Associate",
        "date": "2026-06-30",
        "duties": ["D11"],
        "ksbs": [
            T("K25", "Mapped the certifications our cloud roles expect and took the first"),
            T("B2", "Studied two evenings a week for eight weeks"),
        ],
        "body": """Passed the **Solutions Architect – Associate** exam (score 842/1000).

What I will use at work straight away:

- the *Well-Architected* reliability pillar for the Black Friday review
- cost-aware storage tiers for our log archive

Next: the Kubernetes CKA, planned for the autumn.""",
    },
]

DDAT_TAGS = {  # a few items tagged against the DDaT DevOps role (apprentice level) as well
    "E002": [("DDAT-DEVOPS:DS4", "Built and tested the pipeline"), ("DDAT-DEVOPS:L1", "")],
    "E005": [("DDAT-DEVOPS:DS6", "Restored service and led the review"), ("DDAT-DEVOPS:L1", "")],
    "E006": [("DDAT-DEVOPS:DS1", "Dashboards and SLOs for availability"), ("DDAT-DEVOPS:L1", "")],
    "E008": [("DDAT-DEVOPS:DS2", "Security scanning in CI"), ("DDAT-DEVOPS:L1", "")],
    "E013": [("DDAT-DEVOPS:DS1", "Capacity planning with load tests"), ("DDAT-DEVOPS:L1", "")],
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
        uln="4820193758",
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
