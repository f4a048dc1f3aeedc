"""Lessons: an ordered lecture through the lab's pages, written as a small TOML file.

A lesson is data, so a lecturer can write their own, load it on the Lesson page and
share it as a file. Each step names a page, its tab, a batch (a preset or the numbers
themselves), a temperature and a few settings, a short prompt, and usually a question.
The student commits a guess before the answer and the step's view are shown; the
answer is then COMPUTED from the step's batch with the core (``truth``), never typed
into the file, so a lesson cannot state a wrong answer.

The format (version 1)
----------------------
::

    format = 1                       # required, the format version
    id = "my-lecture"                # a-z, 0-9 and '-', at most 40 characters
    title = "Softmax in 20 minutes"  # at most 80 characters
    summary = "What the lecture shows."   # optional, at most 600 characters

    [[steps]]                        # 1 to 40 steps, in order
    title = "What softmax computes"  # at most 80 characters
    page = "probabilities"           # probabilities, jacobian, gradients, saturation, training
    tab = "Per class"                # a tab of that page (pages with tabs; default: the first)
    preset = "penalty"               # a preset key, or a [steps.batch] table (not both)
    T = 1.0                          # temperature, 0.001 to 1000 (snapped to the slider's grid)
    prompt = "Plain averaging gives 3/4. What does softmax give?"   # at most 600 characters

    [steps.batch]                    # instead of preset: the numbers themselves
    z = [[1.0, 3.0]]                 # logits (N, C): 1 to 20 rows, 2 to 50 classes
    y = [1]                          # one class index per row (0-based), or rows (N, C)
    mode = "one-hot"                 # one-hot, soft or multi-hot (default one-hot)
    names = ["cat", "dog"]           # optional class names

    [steps.settings]                 # optional; only the names in SETTINGS
    row = 1                          # the row the page shows, 1-based

    [steps.question]                 # optional; without it the step is a plain slide
    text = "What probability does softmax give dog?"   # at most 300 characters
    answer = "probability"           # a name in QUANTITIES: what is computed
    row = 1                          # the quantity's parameters (see QUANTITIES)
    class = "dog"
    tolerance = 0.05                 # numbers: a guess within 5 % counts as right (default 0.1)
    atol = 0.01                      # ... or within this absolute distance (default 0)

Every field is checked; a malformed file raises ``ValueError`` naming the field, e.g.
``steps[3].question.class: 'cow' is not a class of this step's batch``. Unknown fields
are refused too, so a typo does not pass silently.
"""

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from softmax_lab import attention, sweeps
from softmax_lab.activations import entropy, naive_softmax, softmax
from softmax_lab.batch_checks import check_class_names, check_labels, check_logits
from softmax_lab.jacobian import softmax_jacobian
from softmax_lab.page_tabs import PAGE_TABS
from softmax_lab.pairs import PAIRS
from softmax_lab.presets import LABEL_MODES, MAX_ROWS, PRESETS, default_class_names
from softmax_lab.run_schema import MAX_STEPS, TRAIN_PAIRS
from softmax_lab.workspace import TEMPERATURES, Workspace, from_preset, snap_temperature

FORMAT = 1
SHIPPED = Path(__file__).with_name("lesson_files")
MAX_LESSON_BYTES = 64_000
MAX_LESSON_STEPS = 40
PAGES = ("probabilities", "jacobian", "gradients", "saturation", "training")
TABS = PAGE_TABS  # the tabs each page draws; ``parse`` takes another table too
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
DTYPES = {"float16": np.float16, "float32": np.float32, "float64": np.float64}


# -- settings a step may give the page ---------------------------------------------------
def _whole(low, high):
    def check(v, where, ws):
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise ValueError(f"{where}: expected a whole number from {low} to {high}, got {v!r}")
        return v

    return check


def _real(low, high):
    def check(v, where, ws):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"{where}: expected a number, got {v!r}")
        if not low <= v <= high:
            raise ValueError(f"{where}: expected a number from {low:g} to {high:g}, got {v:g}")
        return float(v)

    return check


def _flag(v, where, ws):
    if not isinstance(v, bool):
        raise ValueError(f"{where}: expected true or false, got {v!r}")
    return v


def _one_of(options):
    def check(v, where, ws):
        if v not in options:
            raise ValueError(f"{where}: expected one of {', '.join(options)}, got {v!r}")
        return v

    return check


def _row(v, where, ws):
    v = _whole(1, MAX_ROWS)(v, where, ws)
    if v > ws.n_rows:
        raise ValueError(f"{where}: row {v}, but this step's batch has N = {ws.n_rows} rows")
    return v


def _class(v, where, ws):
    if v not in ws.class_names:
        raise ValueError(f"{where}: {str(v)[:40]!r} is not a class of this step's batch")
    return v


# name -> (pages it applies to, check). Values are kept as written (rows 1-based); the
# app maps them onto its widgets.
SETTINGS = {
    "row": (("probabilities", "jacobian", "gradients", "saturation"), _row),
    "fit_scale": (("jacobian",), _flag),
    "sweep_class": (("gradients",), _class),
    "attention_d": (("saturation",), _whole(1, attention.MAX_D)),
    "attention_n": (("saturation",), _whole(2, attention.MAX_KEYS)),
    "attention_seed": (("saturation",), _whole(0, attention.MAX_SEED)),
    "train_pair": (("training",), _one_of(TRAIN_PAIRS)),
    "train_pair_b": (("training",), _one_of(TRAIN_PAIRS)),
    "train_init": (("training",), _real(0.01, 10.0)),
    "train_init_b": (("training",), _real(0.01, 10.0)),
    "train_compare": (("training",), _flag),
    "train_lr": (("training",), _real(1e-4, 10.0)),
    "train_max_steps": (("training",), _whole(10, MAX_STEPS)),
}


# -- what a question asks: quantities computed from the step's batch -------------------
@dataclass(frozen=True)
class Quantity:
    """A value computed from a step's batch: ``kind`` "number" or "choice", the
    parameters it takes (each checked by ``PARAMS``), and a one-line description."""

    kind: str
    params: tuple[str, ...]
    describe: str
    compute: object = field(repr=False, compare=False)


def _u_y(ws, q):
    r = q["row"] - 1
    return ws.logits[r] / ws.temperature, ws.labels[r]


def _probability(ws, q):
    a = softmax(ws.logits[q["row"] - 1], temperature=ws.temperature)
    return float(a[ws.class_names.index(q["class"])])


def _top_probability(ws, q):
    return float(softmax(ws.logits[q["row"] - 1], temperature=ws.temperature).max())


def _entropy(ws, q):
    return float(entropy(ws.logits[q["row"] - 1], temperature=ws.temperature))


def _jacobian_max_abs(ws, q):
    a = softmax(ws.logits[q["row"] - 1], temperature=ws.temperature)
    return float(np.abs(softmax_jacobian(a)).max())


def _ce_grad(ws, q):
    u, y = _u_y(ws, q)
    return float(PAIRS["softmax_ce"].row_grad(u, y)[ws.class_names.index(q["class"])])


def _ce_min_multilabel(ws, q):
    return float(sweeps.multilabel_optimum(ws.labels[q["row"] - 1])["ce_min"])


def _naive_nonfinite(ws, q):
    with np.errstate(over="ignore"):
        scaled = (ws.logits[q["row"] - 1] / ws.temperature).astype(DTYPES[q["dtype"]])
    return float(np.count_nonzero(~np.isfinite(naive_softmax(scaled))))


def _attention_top(ws, q):
    query, keys = attention.random_query_keys(q["d"], q["n"], q["seed"])
    return float(attention.attention_weights(query, keys, scaled=q["scaled"]).max())


def _grad_norm_ratio(ws, q):
    u, y = _u_y(ws, q)
    top = np.linalg.norm(PAIRS[q["pair"]].row_grad(u, y))
    bottom = np.linalg.norm(PAIRS[q["over"]].row_grad(u, y))
    if bottom == 0:
        raise ValueError("the gradient of 'over' is 0 on this row, so the ratio is undefined")
    return float(top / bottom)


def _argmax_class(ws, q):
    a = softmax(ws.logits[q["row"] - 1], temperature=ws.temperature)
    return ws.class_names[int(np.argmax(a))]


def _larger_gradient(ws, q):
    u, y = _u_y(ws, q)
    norms = [np.linalg.norm(PAIRS[k].row_grad(u, y)) for k in q["choices"]]
    return q["choices"][int(np.argmax(norms))]


QUANTITIES = {
    "probability": Quantity(
        "number", ("row", "class"), "softmax(z / T) of a class in a row", _probability
    ),
    "top_probability": Quantity(
        "number", ("row",), "the largest probability of a row", _top_probability
    ),
    "entropy": Quantity("number", ("row",), "the entropy of a row's softmax, in nats", _entropy),
    "jacobian_max_abs": Quantity(
        "number", ("row",), "the largest |J| entry of a row's softmax Jacobian", _jacobian_max_abs
    ),
    "ce_grad": Quantity(
        "number",
        ("row", "class"),
        "softmax + CE's dL/du of a class, a·Σy − y with u = z / T",
        _ce_grad,
    ),
    "ce_min_multilabel": Quantity(
        "number", ("row",), "the lowest CE softmax can reach for a row's labels", _ce_min_multilabel
    ),
    "naive_nonfinite": Quantity(
        "number",
        ("row", "dtype"),
        "how many entries the naive exp(z)/Σexp(z) gets as inf or NaN in a dtype",
        _naive_nonfinite,
    ),
    "attention_top_weight": Quantity(
        "number",
        ("d", "n", "seed", "scaled"),
        "the top attention weight of a random query over n keys in d dimensions",
        _attention_top,
    ),
    "grad_norm_ratio": Quantity(
        "number",
        ("row", "pair", "over"),
        "‖dL/du‖ of one loss pair divided by another's, on a row",
        _grad_norm_ratio,
    ),
    "argmax_class": Quantity("choice", ("row",), "the most probable class of a row", _argmax_class),
    "larger_gradient": Quantity(
        "choice",
        ("row", "choices"),
        "which loss pair (of the choices) has the larger ‖dL/du‖ on a row",
        _larger_gradient,
    ),
}


def _param_check(name):
    return {
        "row": _row,
        "class": _class,
        "dtype": _one_of(tuple(DTYPES)),
        "d": _whole(1, attention.MAX_D),
        "n": _whole(2, attention.MAX_KEYS),
        "seed": _whole(0, attention.MAX_SEED),
        "scaled": _flag,
        "pair": _one_of(tuple(PAIRS)),
        "over": _one_of(tuple(PAIRS)),
    }[name]


# -- the lesson ------------------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """What a step asks. ``params`` hold the quantity's parameters (rows 1-based);
    ``choices`` the options of a choice question (class names or pair keys)."""

    text: str
    answer: str
    params: dict
    choices: tuple[str, ...] = ()
    tolerance: float = 0.1
    atol: float = 0.0

    @property
    def kind(self):
        return QUANTITIES[self.answer].kind


@dataclass(frozen=True)
class Step:
    """One step: a page and tab, the batch ``workspace`` (with its T), ``settings`` for
    the page, a prompt and an optional question."""

    title: str
    page: str
    tab: str | None
    workspace: Workspace
    prompt: str
    settings: dict
    question: Question | None


@dataclass(frozen=True)
class Lesson:
    """An ordered lecture: ``steps`` are numbered from 1 in the app and its links."""

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]


def _text(table, key, where, limit, required=True):
    if key not in table:
        if required:
            raise ValueError(f"{where}{key}: missing")
        return ""
    value = table[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}{key}: expected text")
    if len(value) > limit:
        raise ValueError(f"{where}{key}: longer than {limit} characters")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
        raise ValueError(f"{where}{key}: contains a control character")
    return value.strip()


def _only(table, allowed, where):
    extra = sorted(set(table) - set(allowed))
    if extra:
        raise ValueError(f"{where}{extra[0]}: unknown field (allowed: {', '.join(allowed)})")


def parse(text, *, tabs=None):
    """The lesson a TOML text describes, or ``ValueError`` naming the bad field.

    ``tabs`` maps a page to its tab names (default ``TABS``); the app passes the tabs
    it draws.

    Examples
    --------
    >>> lesson = parse('''
    ... format = 1
    ... id = "tiny"
    ... title = "Two classes"
    ... [[steps]]
    ... title = "Softmax of [1, 3]"
    ... page = "probabilities"
    ... preset = "penalty"
    ... prompt = "Averaging gives 3/4."
    ... [steps.question]
    ... text = "What does softmax give c1?"
    ... answer = "probability"
    ... row = 1
    ... class = "c1"
    ... ''')
    >>> round(truth(lesson.steps[0]), 4)
    0.8808
    >>> parse('format = 1\\nid = "x"\\ntitle = "t"\\nsteps = []')
    Traceback (most recent call last):
    ...
    ValueError: steps: expected 1 to 40 steps
    """
    tabs = TABS if tabs is None else tabs
    if isinstance(text, bytes):
        if len(text) > MAX_LESSON_BYTES:
            raise ValueError(f"file: larger than {MAX_LESSON_BYTES // 1000} kB")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("file: not UTF-8 text") from None
    if len(text) > MAX_LESSON_BYTES:
        raise ValueError(f"file: larger than {MAX_LESSON_BYTES // 1000} kB")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"file: not valid TOML ({err})") from None
    _only(doc, ("format", "id", "title", "summary", "steps"), "")
    if doc.get("format") != FORMAT:
        raise ValueError(f"format: expected {FORMAT}, got {doc.get('format')!r}")
    lesson_id = doc.get("id")
    if not isinstance(lesson_id, str) or not _ID.fullmatch(lesson_id):
        raise ValueError("id: expected 1 to 40 characters of a-z, 0-9 and '-'")
    title = _text(doc, "title", "", 80)
    summary = _text(doc, "summary", "", 600, required=False)
    steps = doc.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= MAX_LESSON_STEPS:
        raise ValueError(f"steps: expected 1 to {MAX_LESSON_STEPS} steps")
    parsed = tuple(_step(s, f"steps[{i + 1}].", tabs) for i, s in enumerate(steps))
    return Lesson(lesson_id, title, summary, parsed)


def _step(table, where, tabs):
    if not isinstance(table, dict):
        raise ValueError(f"{where[:-1]}: expected a table")
    allowed = ("title", "page", "tab", "preset", "batch", "T", "prompt", "settings", "question")
    _only(table, allowed, where)
    title = _text(table, "title", where, 80)
    page = table.get("page")
    if page not in PAGES:
        raise ValueError(f"{where}page: expected one of {', '.join(PAGES)}, got {page!r}")
    tab = table.get("tab")
    if page in tabs:
        tab = tabs[page][0] if tab is None else tab
        if tab not in tabs[page]:
            raise ValueError(f"{where}tab: {page} has the tabs {', '.join(tabs[page])}")
    elif tab is not None:
        raise ValueError(f"{where}tab: the {page} page has no tabs")
    temperature = table.get("T", 1.0)
    if isinstance(temperature, bool) or not isinstance(temperature, int | float):
        raise ValueError(f"{where}T: expected a number")
    if not TEMPERATURES[0] <= temperature <= TEMPERATURES[-1]:
        raise ValueError(f"{where}T: expected 0.001 to 1000, got {temperature:g}")
    ws = _batch(table, where, snap_temperature(temperature))
    settings = table.get("settings", {})
    if not isinstance(settings, dict):
        raise ValueError(f"{where}settings: expected a table")
    checked = {}
    for name, value in settings.items():
        if name not in SETTINGS:
            raise ValueError(f"{where}settings.{name}: unknown (allowed: {', '.join(SETTINGS)})")
        pages, check = SETTINGS[name]
        if page not in pages:
            raise ValueError(f"{where}settings.{name}: applies to {', '.join(pages)}, not {page}")
        checked[name] = check(value, f"{where}settings.{name}", ws)
    prompt = _text(table, "prompt", where, 600)
    question = (
        _question(table["question"], f"{where}question.", ws) if "question" in table else None
    )
    return Step(title, page, tab, ws, prompt, checked, question)


def _batch(table, where, temperature):
    if ("preset" in table) == ("batch" in table):
        raise ValueError(f"{where}preset: give a preset or a [batch] table (one of the two)")
    if "preset" in table:
        key = table["preset"]
        if key not in PRESETS:
            raise ValueError(f"{where}preset: expected one of {', '.join(PRESETS)}, got {key!r}")
        return from_preset(key, temperature)
    batch = table["batch"]
    if not isinstance(batch, dict):
        raise ValueError(f"{where}batch: expected a table")
    _only(batch, ("z", "y", "mode", "names"), f"{where}batch.")
    z = batch.get("z")
    if not isinstance(z, list) or not all(isinstance(r, list) for r in z):
        raise ValueError(f"{where}batch.z: expected rows of numbers, like [[1.0, 3.0]]")
    try:
        logits = check_logits(z)
    except ValueError as err:
        raise ValueError(f"{where}batch.z: {err}") from None
    n_rows, n_classes = logits.shape
    mode = batch.get("mode", "one-hot")
    if mode not in LABEL_MODES:
        raise ValueError(f"{where}batch.mode: expected one of {', '.join(LABEL_MODES)}")
    names = batch.get("names")
    try:
        names = default_class_names(n_classes) if names is None else check_class_names(names)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{where}batch.names: {err}") from None
    if len(names) != n_classes:
        raise ValueError(f"{where}batch.names: {len(names)} names for C = {n_classes} classes")
    y = batch.get("y", [0] * n_rows)
    try:
        if not isinstance(y, list):
            raise ValueError("expected a list")
        labels = check_labels(y, mode, n_rows, n_classes)
    except ValueError as err:
        raise ValueError(f"{where}batch.y: {err}") from None
    return Workspace(logits, names, labels, mode, temperature, "custom")


def _question(table, where, ws):
    if not isinstance(table, dict):
        raise ValueError(f"{where[:-1]}: expected a table")
    text = _text(table, "text", where, 300)
    answer = table.get("answer")
    if answer not in QUANTITIES:
        raise ValueError(f"{where}answer: expected one of {', '.join(QUANTITIES)}, got {answer!r}")
    quantity = QUANTITIES[answer]
    extra = ("tolerance", "atol") if quantity.kind == "number" else ()
    _only(table, ("text", "answer", *quantity.params, *extra), where)
    params = {}
    for name in quantity.params:
        if name not in table:
            raise ValueError(f"{where}{name}: missing (the {answer} answer needs it)")
        if name == "choices":
            params[name] = _choices(table[name], f"{where}choices", ws)
        else:
            params[name] = _param_check(name)(table[name], f"{where}{name}", ws)
    choices = ws.class_names if answer == "argmax_class" else tuple(params.get("choices", ()))
    tolerance = _real(0.0, 1.0)(table.get("tolerance", 0.1), f"{where}tolerance", ws)
    atol = _real(0.0, 1e6)(table.get("atol", 0.0), f"{where}atol", ws)
    question = Question(text, answer, params, choices, tolerance, atol)
    try:
        value = quantity.compute(ws, params)
    except ValueError as err:
        raise ValueError(f"{where}answer: {err}") from None
    if quantity.kind == "number" and not math.isfinite(value):
        raise ValueError(f"{where}answer: {answer} is not finite on this batch")
    return question


def _choices(value, where, ws):
    if not isinstance(value, list) or not 2 <= len(value) <= 6:
        raise ValueError(f"{where}: expected 2 to 6 loss pairs")
    for v in value:
        if v not in PAIRS:
            raise ValueError(f"{where}: {str(v)[:40]!r} is not one of {', '.join(PAIRS)}")
    if len(set(value)) != len(value):
        raise ValueError(f"{where}: a choice repeats")
    return tuple(value)


# -- answers ---------------------------------------------------------------------------
def truth(step):
    """The answer to ``step``'s question, computed from its batch: a float for a number
    question, the right choice (a class name or pair key) for a choice question."""
    if step.question is None:
        raise ValueError("this step asks no question")
    q = step.question
    return QUANTITIES[q.answer].compute(step.workspace, q.params)


def choice_label(question, choice):
    """How a choice is shown: a pair's title, or the class name itself."""
    return PAIRS[choice].title if choice in PAIRS else choice


@dataclass(frozen=True)
class Verdict:
    """How a guess compares with the truth: ``right`` and a sentence that says so."""

    right: bool
    text: str


def judge(step, guess):
    """Compare a committed guess with the truth of ``step``'s question.

    Examples
    --------
    >>> lesson = parse(Path(SHIPPED / "softmax-story.toml").read_text())
    >>> judge(lesson.steps[0], 0.75).text
    'Your guess 0.75 is off by 0.131: the answer is 0.8808.'
    """
    q = step.question
    answer = truth(step)
    if q.kind == "choice":
        shown = choice_label(q, answer)
        if guess == answer:
            return Verdict(True, f"Right: {shown}.")
        return Verdict(False, f"Not {choice_label(q, guess)}: the answer is {shown}.")
    guess = float(guess)
    if not math.isfinite(guess):
        raise ValueError("guess: expected a finite number")
    off = abs(guess - answer)
    if off <= max(q.atol, q.tolerance * abs(answer)):
        return Verdict(True, f"Right: the answer is {answer:.4g} (your guess {guess:.4g}).")
    return Verdict(
        False, f"Your guess {guess:.4g} is off by {off:.3g}: the answer is {answer:.4g}."
    )


def shipped():
    """The lessons in ``softmax_lab/lesson_files/``, by id (read on each call)."""
    out = {}
    for path in sorted(SHIPPED.glob("*.toml")):
        lesson = parse(path.read_bytes())
        out[lesson.id] = lesson
    return out


def parse_step_param(text, n_steps):
    """The 1-based step number of a link's ``step`` parameter, or ``ValueError``.

    Examples
    --------
    >>> parse_step_param("3", 9)
    3
    >>> parse_step_param("0", 9)
    Traceback (most recent call last):
    ...
    ValueError: step: expected a whole number from 1 to 9
    """
    if not re.fullmatch(r"[0-9]{1,3}", str(text)) or not 1 <= int(text) <= n_steps:
        raise ValueError(f"step: expected a whole number from 1 to {n_steps}")
    return int(text)


def check_lesson_id(text):
    """A link's ``lesson`` parameter, checked: ``ValueError`` unless it is a valid id."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        raise ValueError("lesson: expected 1 to 40 characters of a-z, 0-9 and '-'")
    return text
