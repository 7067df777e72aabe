"""Views stay thin: no function in a views module is worse than radon's grade B.

Grade B is a cyclomatic complexity of at most 10. A view that loads, validates, calls one
service and redirects or renders scores well under that; one that composes queries or
builds chart series does not, and that work belongs in a selector or a service.
"""

from pathlib import Path

from radon.complexity import cc_rank, cc_visit

ROOT = Path(__file__).resolve().parents[2]
WORST_GRADE = "B"
SKIP_DIRS = {"tests", ".venv", "node_modules", "staticfiles", "var"}

# Views allowed to be worse than B for a while, as (path, function): none now. An entry that
# is no longer needed fails the test too, so the list cannot go stale.
ALLOWED_FOR_NOW: set[tuple[str, str]] = set()


def views_modules() -> list[Path]:
    found = [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py"), *ROOT.glob("*/views/*.py")]
    return sorted(path for path in found if not SKIP_DIRS & set(path.relative_to(ROOT).parts))


def too_complex(source: str) -> list[tuple[str, int, str]]:
    """(name, complexity, grade) of every function or method in `source` worse than WORST_GRADE."""
    # cc_visit lists every function and method once (a class's own score is the sum of its methods').
    functions = [block for block in cc_visit(source) if not hasattr(block, "methods")]
    found = [(f.name, f.complexity, cc_rank(f.complexity)) for f in functions]
    return [row for row in found if row[2] > WORST_GRADE]


def test_views_modules_are_found():
    names = {str(path.relative_to(ROOT)) for path in views_modules()}
    assert {"pledges/views.py", "organisations/views.py", "pledges/outcome_views.py"} <= names
    assert not any(name.startswith("tests/") for name in names)


def test_no_view_is_worse_than_grade_b():
    offenders, used = [], set()
    for path in views_modules():
        relative = str(path.relative_to(ROOT))
        for name, complexity, grade in too_complex(path.read_text()):
            if (relative, name) in ALLOWED_FOR_NOW:
                used.add((relative, name))
            else:
                offenders.append(f"{relative}: {name} is grade {grade} (complexity {complexity})")
    assert not offenders, "Move the work into a selector or a service:\n" + "\n".join(offenders)
    assert not ALLOWED_FOR_NOW - used, f"No longer needed, take them out of ALLOWED_FOR_NOW: {ALLOWED_FOR_NOW - used}"


# The check can fail: a view that composes filters the way the wall once did is caught.
COMPOSING_VIEW = """
def index(request):
    filters = {}
    for key in ("a", "b", "c", "d"):
        if request.GET.get(key):
            filters[key] = request.GET[key]
    if filters.get("a") and filters.get("b"):
        pass
    if filters.get("c") or filters.get("d"):
        pass
    result = 1 if filters else 2
    while result < 3:
        result += 1
    try:
        pass
    except ValueError:
        pass
    return [x for x in filters if x] and None
"""

THIN_VIEW = """
def index(request):
    form = Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service(form.cleaned_data)
        return redirect("done")
    return render(request, "page.html", {"form": form})


class Page:
    def get(self, request):
        return render(request, "page.html")
"""


def test_the_check_catches_a_view_that_composes_queries():
    (name, complexity, grade), *_ = too_complex(COMPOSING_VIEW)
    assert name == "index" and complexity > 10 and grade == "C"


def test_the_check_passes_a_thin_view():
    assert too_complex(THIN_VIEW) == []


def test_the_check_looks_inside_classes():
    source = "class V:\n" + "\n".join("    " + line for line in COMPOSING_VIEW.splitlines())
    assert [name for name, _, _ in too_complex(source)] == ["index"]
