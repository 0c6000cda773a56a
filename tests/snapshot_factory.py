"""Hand-made portfolio snapshots for export tests: no database needed.

``make_snapshot`` gives a small but realistic DevOps portfolio (a cut-down
ST0825: knowledge, skills, behaviours, four duties) and computes coverage the
way the coverage service defines it, so tests can vary items freely.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import replace

from PIL import Image

from app.services.blob_source import MemoryBlobSource
from app.services.renditions import make_rendition
from app.services.views import (
    AttachmentView,
    CellCoverage,
    CompetencyCoverage,
    CompetencyView,
    CoverageReport,
    CoverageSummary,
    FrameworkView,
    GroupLinkView,
    GroupView,
    ItemView,
    PortfolioInfo,
    PortfolioSnapshot,
    Rendition,
    TagView,
)

COMPETENCIES = (
    ("K1", "knowledge", "Continuous Integration - benefits of frequent merging of code, "
     "the creation of build artefacts and ensuring all tests pass."),
    ("K2", "knowledge", "Continuous Delivery - an extension of Continuous Integration that "
     "ensures code is always in a deployable state."),
    ("K3", "knowledge", "Immutable infrastructure - building new servers from a known image."),
    ("K4", "knowledge", "Infrastructure as code and its benefits to an organisation."),
    ("K5", "knowledge", "Monitoring and alerting: how to design useful, actionable alerts."),
    ("S1", "skill", "Engage in productive pair/mob programming."),
    ("S2", "skill", "Work with the product owner to define requirements and user stories."),
    ("S3", "skill", "Write clean, tested code that meets the team's coding standards."),
    ("S4", "skill", "Automate the build, test and release of software."),
    ("B1", "behaviour", "Shows a proactive, flexible and adaptable approach to work."),
    ("B2", "behaviour", "Works independently and takes responsibility."),
)  # fmt: skip

GROUPS = (
    ("D1", "Script and code in at least one general purpose language.", ("K1", "S3", "B2")),
    ("D2", "Build and operate a Continuous Integration capability.", ("K1", "K2", "S4", "B1")),
    ("D3", "Implement a good coverage of monitoring (metrics, logs).", ("K5", "S1")),
    ("D4", "Engineer and automate infrastructure as code.", ("K3", "K4", "S2", "S4", "B1")),
)

REFLECTION = """## What I did

I rebuilt our **CI pipeline** so that every merge request runs the *full* test suite.

- Moved the build to containers
- Cached dependencies
    - npm packages
    - pip wheels
- Added a `lint` stage

1. Measure
2. Change
3. Measure again

```yaml
stages: [lint, test, build]
lint:
  script: ruff check . && ruff format --check .
```

> The fastest pipeline is the one that fails early.

| Stage | Before | After |
|:------|-------:|------:|
| test  | 14 min | 6 min |
| build | 9 min  | 3 min |

See [the runbook](https://intranet.example/runbook) for details.
"""


def png_bytes(width: int = 320, height: int = 200, colour: str = "#2A788E") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(width: int = 640, height: int = 480) -> bytes:
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def attachment(
    data: bytes, name: str, media_type: str, ident: int = 1
) -> tuple[AttachmentView, bytes]:
    digest = hashlib.sha256(data).hexdigest()
    return AttachmentView(ident, name, len(data), digest, media_type), data


def make_item(
    number: int,
    title: str = "Rebuilt the CI pipeline",
    *,
    date: str | None = None,
    status: str = "ready",
    body: str = REFLECTION,
    ksbs: Sequence[tuple[str, str]] = (("K1", "I set up merging and artefacts."),),
    duties: Sequence[tuple[str, str]] = (("D2", "The pipeline is our CI capability."),),
    attachments: Sequence[AttachmentView] = (),
) -> ItemView:
    return ItemView(
        id=number,
        ref=f"E{number:03d}",
        title=title,
        date=date or f"2026-0{1 + number % 9}-{10 + number % 18:02d}",
        status=status,
        ksbs=tuple(code for code, _ in ksbs),
        duties=tuple(code for code, _ in duties),
        attachments=tuple(attachments),
        body=body,
        created="2026-01-05T09:00:00+00:00",
        updated="2026-03-01T17:30:00+00:00",
        ksb_tags=tuple(TagView(code, text) for code, text in ksbs),
        duty_tags=tuple(TagView(code, text) for code, text in duties),
    )


def default_items() -> tuple[list[ItemView], dict[str, bytes]]:
    blobs: dict[str, bytes] = {}

    def attach(data: bytes, name: str, media_type: str) -> AttachmentView:
        view, payload = attachment(data, name, media_type, ident=len(blobs) + 1)
        blobs[view.sha256] = payload
        return view

    items = [
        make_item(
            1,
            "Rebuilt the CI pipeline",
            date="2026-01-14",
            ksbs=(("K1", "I made every merge run the tests."), ("S4", "The release is automated.")),
            duties=(("D2", "I own the CI capability now."),),
            attachments=(
                attach(png_bytes(), "pipeline.png", "image/png"),
                attach(b"build ok\n" * 40, "build.log", "text/plain"),
            ),
        ),
        make_item(
            2,
            "Terraform for the staging estate",
            date="2026-02-03",
            ksbs=(
                ("K4", "All staging servers are now code."),
                ("K3", ""),
                ("B1", "I volunteered."),
            ),
            duties=(("D4", "Infrastructure as code for staging."),),
            attachments=(attach(jpeg_bytes(), "rack.jpg", "image/jpeg"),),
        ),
        make_item(
            3,
            "Alerting review",
            date="2026-02-20",
            status="draft",
            ksbs=(("K5", "I rewrote the alert rules."),),
            duties=(("D3", "Monitoring coverage."),),
            attachments=(attach(b"\x89PNG\r\n\x1a\nnot really a png", "broken.png", "image/png"),),
        ),
        make_item(
            4,
            "Pairing on the payments service",
            date="2026-03-01",
            ksbs=(("S1", "We paired daily for two weeks."), ("K1", "CI on the new service.")),
            duties=(("D1", "Python code for the service."), ("D3", "")),
        ),
    ]
    return items, blobs


def framework() -> FrameworkView:
    return FrameworkView(
        key="ST0825",
        version="1.0",
        title="DevOps engineer",
        kind="apprenticeship-standard",
        level=4,
        group_label="Duty",
        attribution="Contains public sector information licensed under the Open Government "
        "Licence v3.0.",
        source_url="https://www.instituteforapprenticeships.org/apprenticeship-standards/st0825",
        competencies=tuple(CompetencyView(c, k, t) for c, k, t in COMPETENCIES),
        groups=tuple(
            GroupView(code, text, links=tuple(GroupLinkView(c) for c in codes))
            for code, text, codes in GROUPS
        ),
    )


def coverage_for(fw: FrameworkView, items: Sequence[ItemView], target: int = 1) -> CoverageReport:
    ready = [i for i in items if i.status != "draft"]
    drafts = [i for i in items if i.status == "draft"]
    competencies = tuple(
        CompetencyCoverage(
            code=c.code,
            kind=c.kind,
            count=sum(c.code in i.ksbs for i in ready),
            drafts=sum(c.code in i.ksbs for i in drafts),
            met=sum(c.code in i.ksbs for i in ready) >= target,
            items=tuple(i.ref for i in ready if c.code in i.ksbs),
        )
        for c in fw.competencies
    )
    cells = tuple(
        CellCoverage(g.code, code, sum(code in i.ksbs and g.code in i.duties for i in ready))
        for g in fw.groups
        for code in g.competency_codes
    )
    return CoverageReport(
        framework=fw.key,
        version=fw.version,
        target=target,
        competencies=competencies,
        cells=cells,
        summary=CoverageSummary(
            competencies=len(competencies),
            met=sum(c.met for c in competencies),
            linked_cells=len(cells),
            covered_cells=sum(1 for c in cells if c.count),
        ),
        groups=tuple(g.code for g in fw.groups),
    )


def info(**changes: str) -> PortfolioInfo:
    base = PortfolioInfo(
        apprentice_name="Ada Lovelace",
        uln="1234567899",
        employer="Analytical Engines Ltd",
        provider="Babbage College",
        framework_key="ST0825",
        framework_version="1.0",
        created="2026-01-05T09:00:00+00:00",
        updated="2026-03-01T17:30:00+00:00",
    )
    return replace(base, **changes)


def make_snapshot(
    items: Sequence[ItemView] | None = None,
    *,
    portfolio: PortfolioInfo | None = None,
    fw: FrameworkView | None = None,
    last_changed: str = "2026-03-02T10:15:00+00:00",
    target: int = 1,
) -> PortfolioSnapshot:
    fw = fw or framework()
    chosen = list(items) if items is not None else default_items()[0]
    digest = hashlib.sha256(repr((portfolio, chosen)).encode()).hexdigest()
    return PortfolioSnapshot(
        info=portfolio or info(),
        framework=fw,
        items=tuple(chosen),
        coverage=coverage_for(fw, chosen, target),
        last_changed=last_changed,
        fingerprint=digest,
    )


def blob_source(blobs: dict[str, bytes]) -> MemoryBlobSource:
    """Blobs plus the renditions the app would have cached when they were attached."""
    renditions: dict[str, Rendition] = {}
    for digest, data in blobs.items():
        rendition = make_rendition(data)
        if rendition is not None:
            renditions[digest] = rendition
    return MemoryBlobSource(blobs, renditions)


def default_portfolio() -> tuple[PortfolioSnapshot, MemoryBlobSource]:
    items, blobs = default_items()
    return make_snapshot(items), blob_source(blobs)
