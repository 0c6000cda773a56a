"""``export pdf``: the EPA portfolio PDF (``export package`` lives in ``app.cli.package``)."""

from __future__ import annotations

import argparse

from app.cli.common import add_output_argument, command_group, opened, output_path, report_pdf

AUDIENCES = ("assessor", "review")  # app.export.context's, without importing reportlab here


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = command_group(sub, "export", "export the EPA portfolio PDF or the signed package")
    p = export.add_parser("pdf", help="the end-point-assessment portfolio PDF")
    add_output_argument(p, metavar="OUT.pdf")
    p.add_argument(
        "--for",
        dest="audience",
        choices=AUDIENCES,
        default="assessor",
        help="assessor: evidence, mapping, declaration (the default); review: adds the "
        "programme records (skills scans, off-the-job log, progress reviews)",
    )
    drafts = p.add_mutually_exclusive_group()
    drafts.add_argument(
        "--drafts",
        dest="drafts",
        action="store_true",
        help="include items still in draft, each page marked DRAFT",
    )
    drafts.add_argument(
        "--no-drafts",
        dest="drafts",
        action="store_false",
        help="leave out items still in draft (the default)",
    )
    p.add_argument("--order", choices=("date", "ksb"), default="date", help="evidence order")
    p.add_argument("--page-size", choices=("A4", "Letter"), default="A4")
    p.add_argument(
        "--unsigned",
        action="store_true",
        help="do not sign the PDF (by default it is signed with your key, as PAdES)",
    )
    p.set_defaults(handler=cmd_export_pdf)


def cmd_export_pdf(args: argparse.Namespace) -> int:
    out = output_path(args, "PDF")
    from app.export.pdf import PdfOptions, export_portfolio_pdf  # reportlab only when needed

    options = PdfOptions(
        include_drafts=args.drafts,
        audience=args.audience,
        order=args.order,
        page_size=args.page_size,
    )
    with opened(args) as db:
        result = export_portfolio_pdf(db, out, options, force=args.force, sign=not args.unsigned)
    report_pdf(out, result)
    if not args.unsigned:
        print("Signed (PAdES) with the certificate of your key; --unsigned leaves it unsigned.")
    return 0
