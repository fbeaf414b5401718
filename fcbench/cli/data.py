"""``fcbench data generate`` (a fresh instance of the built-in suite), ``fcbench data import
bfcl|nestful|apibank|toolalpaca|restbench|hf|nexusraven|toolbench|apiblend`` (a public suite converted into an fcbench
suite) and ``fcbench data export-requests`` (a run's requests as a batch input file, `fcbench.cli.export_requests`).

Every importer writes a suite folder (``--out``, default the suites home:
``$FCBENCH_SUITES/<name>`` or ``~/.cache/fcbench/suites/<name>``) that
``fcbench run --suite NAME|DIR`` evaluates like the built-in suite.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from fcbench.cli.args import integer, positive_int
from fcbench.cli.export_requests import register_export
from fcbench.errors import UsageError


def register(sub: Any) -> None:
    data = sub.add_parser("data", help="generate or import suites")
    actions = data.add_subparsers(dest="data_command", metavar="ACTION")
    gen = actions.add_parser("generate", help="generate a fresh instance of the built-in suite")
    gen.add_argument("--seed", type=integer, required=True)
    gen.add_argument("--out", type=Path, required=True)
    gen.set_defaults(func=cmd_generate)
    data.set_defaults(func=missing_action)
    register_export(actions)

    imp = actions.add_parser("import", help="convert a public suite (BFCL, NESTFUL, API-Bank, ToolAlpaca, "
                                            "RestBench, Hugging Face, NexusRaven, ToolBench, API-Blend)",
                             description="Convert a public function-calling suite into an fcbench suite.")
    sources = imp.add_subparsers(dest="import_source", metavar="SOURCE")
    sources.required = True

    bfcl = sources.add_parser("bfcl", help="BFCL question + possible_answer files")
    _source_args(bfcl, "a BFCL data folder (BFCL_v<N>_*.json + possible_answer/) or one question file",
                 "the installed bfcl-eval package's data")
    bfcl.add_argument("--categories", help="comma-separated BFCL categories to import (default: all mapped)")
    _out_args(bfcl)
    bfcl.set_defaults(func=cmd_import_bfcl)

    nestful = sources.add_parser("nestful", help="NESTFUL sequences (repository files or nestful-wrapper data)")
    _source_args(nestful, "a NESTFUL data file or a folder of them",
                 "the installed nestful-wrapper package's data")
    _out_args(nestful)
    nestful.set_defaults(func=cmd_import_nestful)

    apibank = sources.add_parser("apibank", help="API-Bank test sets (json_test_data/level-*.json)")
    _path_arg(apibank, "an API-Bank level-*.json file or a folder holding them")
    _out_args(apibank)
    apibank.set_defaults(func=cmd_import_apibank)

    toolalpaca = sources.add_parser("toolalpaca", help="ToolAlpaca evaluation sets (eval_real.json, ...)")
    _path_arg(toolalpaca, "a ToolAlpaca eval_*.json file or a folder holding them")
    _out_args(toolalpaca)
    toolalpaca.set_defaults(func=cmd_import_toolalpaca)

    restbench = sources.add_parser("restbench", help="RestBench queries (datasets/tmdb.json, spotify.json)")
    _path_arg(restbench, "a RestBench tmdb.json/spotify.json file or a folder holding them")
    restbench.add_argument("--spec", type=Path, action="append", metavar="FILE",
                           help="the service's OpenAPI spec (repeat for several services; each is matched "
                                "to the data file whose name starts its file name, e.g. tmdb_oas.json)")
    _out_args(restbench)
    restbench.set_defaults(func=cmd_import_restbench)

    hf = sources.add_parser("hf", help="a Hugging Face dataset through datasets.load_dataset")
    hf.add_argument("dataset_id", metavar="DATASET_ID", help="hub id, or a local file/folder")
    hf.add_argument("--mapping", required=True, help="column mapping: xlam or glaive")
    hf.add_argument("--split", default="train", help="dataset split (default train)")
    hf.add_argument("--limit", type=positive_int, default=None, help="read at most N rows")
    _out_args(hf)
    hf.set_defaults(func=cmd_import_hf)

    nexus = sources.add_parser("nexusraven", help="NexusRaven API evaluation (queries + API list)")
    nexus.add_argument("--from", dest="source", required=True, metavar="PATH|HUB_ID",
                       help="a folder with standardized_queries.json[l] and standardized_api_list.json[l], "
                            "or a hub id (Nexusflow/NexusRaven_API_evaluation) read through datasets")
    nexus.add_argument("--queries-config", default="standardized_queries",
                       help="queries config (hub) or file stem (folder); default standardized_queries")
    nexus.add_argument("--api-config", default="standardized_api_list",
                       help="API list config (hub) or file stem (folder); default standardized_api_list")
    nexus.add_argument("--split", default="train", help="hub split (default train)")
    _out_args(nexus)
    nexus.set_defaults(func=cmd_import_nexusraven)

    toolbench = sources.add_parser("toolbench", help="ToolBench test sets (G1/G2/G3), function names only")
    toolbench.add_argument("--from", dest="source", type=Path, required=True, metavar="PATH",
                           help="a folder with G1_instruction.json ... G3_instruction.json, or one set file")
    _out_args(toolbench)
    toolbench.set_defaults(func=cmd_import_toolbench)

    apiblend = sources.add_parser("apiblend", help="API-Blend sequence sets (SeqATIS ... SeqToolQA)")
    apiblend.add_argument("--from", dest="source", type=Path, required=True, metavar="PATH",
                          help="an API-Blend set file or a folder of them (.json or .jsonl)")
    _out_args(apiblend)
    apiblend.set_defaults(func=cmd_import_apiblend)


def missing_action(args: argparse.Namespace) -> int:
    raise UsageError("data needs an action: generate or import (or export-requests)")


def cmd_generate(args: argparse.Namespace) -> int:
    from fcbench.data.generator.build import write_suite
    from fcbench.data.suites import unfinished

    if args.out.exists() and any(args.out.iterdir()) and not unfinished(args.out):
        raise UsageError(f"{args.out}: folder exists and is not empty")
    manifest = write_suite(args.out, args.seed)
    counts = ", ".join(f"{t} {c.get('test', 0)}" for t, c in manifest.get("counts", {}).items())
    print(f"wrote suite seed {args.seed} to {args.out} ({counts})")
    return 0


def _source_args(parser: argparse.ArgumentParser, path_help: str, package_help: str) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--from", dest="source", type=Path, metavar="PATH", help=path_help)
    group.add_argument("--from-package", action="store_true", help=package_help)


def _path_arg(parser: argparse.ArgumentParser, path_help: str) -> None:
    parser.add_argument("--from", dest="source", type=Path, metavar="PATH", required=True, help=path_help)


def _out_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, help="suite folder to write (default: suites home/NAME)")
    parser.add_argument("--name", help="suite name (default from the source)")
    parser.add_argument("--force", action="store_true", help="replace an earlier imported suite in --out")


def _finish(builder, args: argparse.Namespace) -> int:
    from fcbench.data.importers.common import summary_line
    from fcbench.data.suites import suites_home

    out = args.out or suites_home() / builder.name
    info = builder.write(out, force=args.force)
    print(summary_line(info, out))
    return 0


def _check_name(name: str) -> str:
    if not name or os.sep in name or "/" in name or name.startswith("."):
        raise UsageError(f"{name!r}: a suite name is one folder name (no slashes, not starting with '.')")
    return name


def cmd_import_bfcl(args: argparse.Namespace) -> int:
    from fcbench.data.importers import bfcl
    from fcbench.data.importers.common import SuiteBuilder

    if args.from_package:
        source, package_version = bfcl.package_data_dir()
    else:
        source, package_version = args.source, None
    files = bfcl.question_files(source)
    builder = SuiteBuilder(_check_name(args.name or f"bfcl-{files[0][0]}"), "bfcl")
    if package_version:
        builder.source_info.update(package=f"bfcl-eval {package_version}",
                                   version=f"bfcl-eval-{package_version}")
    categories = {c.strip() for c in args.categories.split(",") if c.strip()} if args.categories else None
    version = bfcl.import_bfcl(builder, source, categories=categories)
    builder.source_info["bfcl_version"] = version
    builder.notes.append("function names keep their dots; BFCL FC handlers send '.' as '_' and replay/ maps "
                         "them back for BFCL result files")
    return _finish(builder, args)


def cmd_import_nestful(args: argparse.Namespace) -> int:
    from fcbench.data.importers import nestful
    from fcbench.data.importers.common import SuiteBuilder

    builder = SuiteBuilder(_check_name(args.name or "nestful"), "nestful")
    if args.from_package:
        files, package_version = nestful.package_files()
        builder.source_info.update(package=f"nestful-wrapper {package_version}",
                                   version=f"nestful-wrapper-{package_version}")
    else:
        files = nestful.data_files(args.source)
    nestful.import_nestful(builder, files)
    builder.notes.append("no world_seed: NESTFUL's functions are not executed by fcbench, so win is not reported")
    return _finish(builder, args)


def cmd_import_apibank(args: argparse.Namespace) -> int:
    from fcbench.data.importers import apibank
    from fcbench.data.importers.common import SuiteBuilder

    files = apibank.data_files(args.source)
    builder = SuiteBuilder(_check_name(args.name or "apibank"), "apibank")
    apibank.import_apibank(builder, files)
    return _finish(builder, args)


def cmd_import_toolalpaca(args: argparse.Namespace) -> int:
    from fcbench.data.importers import toolalpaca
    from fcbench.data.importers.common import SuiteBuilder

    files = toolalpaca.data_files(args.source)
    builder = SuiteBuilder(_check_name(args.name or "toolalpaca"), "toolalpaca")
    toolalpaca.import_toolalpaca(builder, files)
    return _finish(builder, args)


def cmd_import_restbench(args: argparse.Namespace) -> int:
    from fcbench.data.importers import restbench
    from fcbench.data.importers.common import SuiteBuilder

    files = restbench.data_files(args.source)
    builder = SuiteBuilder(_check_name(args.name or "restbench"), "restbench")
    restbench.import_restbench(builder, files, args.spec or [])
    builder.notes.append("chaining samples are names-only (metadata.names_only): RestBench's solutions "
                         "list endpoints without argument values")
    return _finish(builder, args)


def cmd_import_hf(args: argparse.Namespace) -> int:
    from fcbench.data.importers import hf
    from fcbench.data.importers.common import SuiteBuilder

    hf.check_mapping(args.mapping)
    rows, info = hf.load_rows(args.dataset_id, args.split)
    builder = SuiteBuilder(_check_name(args.name or hf.default_name(args.dataset_id, args.mapping)), "hf")
    builder.source_info.update(info, mapping=args.mapping)
    if args.limit is not None:
        builder.source_info["limit"] = args.limit
    hf.import_hf(builder, rows, args.mapping, limit=args.limit)
    return _finish(builder, args)


def cmd_import_nexusraven(args: argparse.Namespace) -> int:
    from fcbench.data.importers import nexusraven
    from fcbench.data.importers.common import SuiteBuilder

    builder = SuiteBuilder(_check_name(args.name or "nexusraven"), "nexusraven")
    folder = Path(args.source).expanduser()
    if folder.exists():
        if not folder.is_dir():
            raise UsageError(f"{folder}: give the folder holding the two NexusRaven files, not a file")
        queries, api_list = nexusraven.load_local(folder, builder, args.queries_config, args.api_config)
    elif nexusraven.looks_like_hub_id(args.source):
        queries, api_list, info = nexusraven.load_hub(args.source, args.queries_config, args.api_config,
                                                      args.split)
        builder.source_info.update(info)
    else:
        raise UsageError(f"{args.source}: no such folder (and not a hub id like owner/name)")
    nexusraven.import_nexusraven(builder, queries, api_list)
    return _finish(builder, args)


def cmd_import_toolbench(args: argparse.Namespace) -> int:
    from fcbench.data.importers import toolbench
    from fcbench.data.importers.common import SuiteBuilder

    builder = SuiteBuilder(_check_name(args.name or "toolbench"), "toolbench")
    toolbench.import_toolbench(builder, toolbench.set_files(args.source))
    builder.notes.append("no gold arguments in ToolBench: name_detection only (the relevant APIs' names)")
    return _finish(builder, args)


def cmd_import_apiblend(args: argparse.Namespace) -> int:
    from fcbench.data.importers import apiblend
    from fcbench.data.importers.common import SuiteBuilder

    builder = SuiteBuilder(_check_name(args.name or "apiblend"), "apiblend")
    apiblend.import_apiblend(builder, apiblend.data_files(args.source))
    builder.notes.append("library = every intent of the file, slots as optional string parameters; "
                         "several calls -> chaining (source order)")
    return _finish(builder, args)
