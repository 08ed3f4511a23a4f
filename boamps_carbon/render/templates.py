"""The Jinja2 environment: our templates (`templates/`) or the user's, strict about names.

Templates run in Jinja2's sandbox: a user's template is code, and outside the sandbox
`{{ x.__class__.__mro__ }}` leads to `os` and shell commands. Every value a template prints
goes through `finalize`: control characters are neutralised (`printable`), and in Markdown
`<`, `>` and `&` become entities, so that a report's text cannot be raw HTML there."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import InputError
from ..printable import printable
from ..resources import templates_dir
from . import units

FORMATS = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}
MARKUPS = ("text", "markdown", "html")
_MARKDOWN_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(value: Any) -> str:
    return "".join(_TEX.get(char, char) for char in str(value))


def _markdown_cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _finalize(markup: str) -> Any:
    def text(value: Any) -> Any:
        return printable(value) if isinstance(value, str) else value

    def markdown(value: Any) -> Any:
        return printable(value).translate(_MARKDOWN_HTML) if isinstance(value, str) else value

    return markdown if markup == "markdown" else text


def environment(folder: Path, markup: str) -> Any:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=markup == "html",
        keep_trailing_newline=True,
        finalize=_finalize(markup),
    )
    env.filters.update(
        energy=units.energy,
        mass=units.mass,
        duration=units.duration,
        power=units.power,
        sig=units.significant,
        md=_markdown_cell,
        tex=_tex,
    )
    return env


def render(
    template: str | Path,
    variables: dict[str, Any],
    *,
    markup: str = "text",
    user_template: bool = False,
    out: TextIO | None = None,
) -> str:
    """Render `template` (a name in templates/, or a user's file) with `variables`; `markup`
    (text, markdown or html) says how printed values are escaped. With `out`, the text is
    written there piece by piece as the template runs (its loops may then read generators),
    and "" is returned."""
    import jinja2
    from jinja2.exceptions import SecurityError

    if markup not in MARKUPS:
        raise ValueError(f"markup must be one of {MARKUPS}, got {markup!r}")
    path = Path(template)
    folder, name = (path.parent, path.name) if user_template else (templates_dir(), str(template))
    try:
        compiled = environment(folder, markup).get_template(name)
        if out is None:
            return str(compiled.render(**variables))
        for piece in compiled.generate(**variables):
            out.write(piece)
        return ""
    except InputError:  # a report source failed while the template read it: its own error
        raise
    except jinja2.TemplateNotFound as exc:
        raise InputError(
            "Template not found",
            str(folder / str(exc.name)),
            "no such file",
            "Check the --template path and what it includes.",
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            "Template syntax error",
            f"{exc.filename or name} line {exc.lineno}",
            exc.message,
            "Fix the template.",
        ) from None
    except SecurityError as exc:
        raise InputError(
            "Template refused",
            _template_place(name),
            str(exc).rstrip("."),
            "Templates run in Jinja2's sandbox: use the variables (items, t), not Python's "
            "internals.",
        ) from None
    except jinja2.UndefinedError as exc:
        raise InputError(
            "Unknown template variable",
            _template_place(name),
            exc.message,
            "Use the variables the built-in templates use.",
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            "Template is not UTF-8",
            str(folder / name),
            str(exc.reason),
            "Save the template as UTF-8.",
        ) from None
    except Exception as exc:  # the template's own code failed: say where, not a traceback
        raise InputError(
            "Template failed",
            _template_place(name),
            f"{type(exc).__name__}: {exc}",
            "Fix the template.",
        ) from None


def _template_place(name: str) -> str:
    # Jinja2 gives its frames the template's file name: the innermost one is the culprit
    trace = sys.exc_info()[2]
    place = name
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(
            (".j2", ".jinja", ".html", ".txt", ".md", ".tex")
        ) or filename.endswith(name):
            place = f"{filename} line {trace.tb_lineno}"
        trace = trace.tb_next
    return place
