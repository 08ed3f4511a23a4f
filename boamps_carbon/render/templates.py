"""The Jinja2 environment: our templates (`templates/`) or the user's, strict about names."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..resources import templates_dir
from . import units

FORMATS = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}


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


def environment(folder: Path, html: bool) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        undefined=jinja2.StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
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
    html: bool = False,
    user_template: bool = False,
) -> str:
    """Render `template` (a name in templates/, or a user's file) with `variables`."""
    import jinja2

    path = Path(template)
    folder, name = (path.parent, path.name) if user_template else (templates_dir(), str(template))
    try:
        return str(environment(folder, html).get_template(name).render(**variables))
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
