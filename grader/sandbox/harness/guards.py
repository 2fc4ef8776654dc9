"""What the learner's code may reach in its own process, and what its run records.

Everything here is made fresh for each run of a request, before its variants are forked
(so that each variant starts from a pristine copy of its own), and every function the
learner's code can reach (its builtins, the import guard, the modules it imports, the
print capture, the helpers the instrumented code calls) is rebuilt with globals that
hold only the builtins module: nothing of the harness sits behind a ``__globals__``, and the state
they keep (what was printed, what was written where) lives in closures, never in
attributes a program could read or set.

- The learner's builtins hold only the builtins the exercise allows, and an
  ``__import__`` that admits only the allowed modules (whatever those import for
  themselves still works: they have their own builtins). An allowed module arrives as a
  fresh module object holding only its allowed attributes.
- An attribute the allowlist does not name may be read only on what the program made
  (its classes, their instances, its functions); reading one that exists on anything
  else is refused and reported. The same holds where the syntax tree does not show the
  read: a format string's fields (``str.format``, ``format_map``), which may name only
  attributes the allowlist lists, and a match pattern that reads attributes by name,
  which is refused.
- Every write to a dictionary the instrumented code makes (grader/sandbox/harness/
  instrument.py) is recorded with its line and the loops running at that moment, so
  that the grader can tell which line, in which loop, wrote each entry of a dictionary
  the program ends with. Keys of the builtin str and int types are recorded (their
  hashing runs no code of the learner's); values are compared by identity only.
"""

import builtins
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from collections.abc import Callable
    from typing import Any

    from grader.sandbox.harness.encode import learner_origin
    from grader.sandbox.harness.instrument import (
        ATTRIBUTE,
        COMPREHENSION,
        DISPLAY,
        FORMAT,
        IOR,
        LOOP,
        METHOD,
        OWNER,
        PARTS,
        PATTERN,
        WRITE,
    )

# The standard library's top-level modules: an import of another module fails as Python
# says (ModuleNotFoundError), as it would without the allowlist.
STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
# How many entries, origins and refusals one run records at most.
MAX_RECORDS = 20_000
MAX_REFUSED = 50
# The module every class a learner's program makes belongs to.
LEARNER_MODULE = "__main__"


def guard_space() -> "dict[str, Any]":
    """Return a namespace of the guards' own: this file's functions rebuilt in it.

    Every function the learner's code can reach is made by these, so its ``__globals__``
    holds the builtins module and the guards, never the harness (its answer channel, its
    limits, its own namespace).
    """
    here = globals()
    space: dict[str, Any] = {"__builtins__": builtins, "builtins": builtins, "__name__": "guards"}
    for name in GUARD_NAMES:
        value = here[name]
        if type(value) is type(guard_space):
            rebuild: Any = type(value)
            value = rebuild(
                value.__code__, space, value.__name__, value.__defaults__, value.__closure__
            )
        space[name] = value
    return space


def caller(depth: int) -> "Any":
    """Return the frame ``depth`` calls above the one that calls this (0: that one).

    Through a traceback rather than sys._getframe, so that no guard holds the sys module.
    """
    try:
        raise LookupError
    except LookupError as error:
        frame = error.__traceback__.tb_frame.f_back  # type: ignore[union-attr]
    while depth > 0 and frame is not None:
        frame = frame.f_back
        depth -= 1
    return frame


def fresh(value: "Any") -> "Any":
    """Return a copy of plain data (an override), so that writing into it changes no other run."""
    kind = type(value)
    if kind is dict:
        return {key: fresh(item) for key, item in value.items()}
    if kind is list or kind is set:
        return kind(fresh(item) for item in value)
    return value


def plain_key(key: "Any") -> bool:
    """Whether a key is recorded: of the builtin str or int type exactly (their hashing
    and equality run no code of the program's). Told by identity: comparing types with
    ``==`` or ``in`` would call the ``__eq__`` of a metaclass the program made."""
    kind = type(key)
    return kind is str or kind is int


def display(*objects: "Any", **options: "Any") -> None:
    """Stand in for Jupyter's display(): it shows rich output, never stdout."""
    return None


def make_namespace(overrides: "dict[str, Any]") -> "dict[str, Any]":
    """Return the learner's module globals: a read of an overridden name the program
    defined yields a fresh copy of the override.

    CPython looks names up through __getitem__ when the globals are not an exact dict,
    for module-level code and functions alike, so a learner's ``load = 7`` reads back as
    the override however the value is later used, and a dictionary the program builds or
    completes in place (``d['a'] = 1``, ``d.update(...)``) never becomes the override.
    """

    def get(self: "dict[str, Any]", key: str) -> "Any":
        if key in overrides and dict.__contains__(self, key):
            return fresh(overrides[key])
        return dict.__getitem__(self, key)

    kind = type(
        "namespace", (dict,), {"__getitem__": get, "__slots__": (), "__module__": "builtins"}
    )
    namespace: dict[str, Any] = kind()
    return namespace


def make_capture(cap: int, limit: "type") -> "tuple[Any, Callable[..., Any]]":
    """Return an object that stands in for sys.stdout, and the function that reads it.

    It keeps what is printed and the learner's line that started each output line. A
    write beyond 16 times the cap raises ``limit``. The reader: ``read("text")``,
    ``read("lines")``, ``read("mute", flag)`` (a %%capture cell prints nothing).
    """
    parts: list[str] = []
    lines: list[list[Any]] = []  # [cell, line] of the code that started each line
    sizes = [0, 0]  # everything written, what was kept
    state = [True, False]  # at the start of a line, muted

    def locate(text: str) -> None:
        where: list[Any] = [False, 0]
        frame = caller(2)
        while frame is not None:
            cell = learner_origin(frame.f_code.co_filename)
            if cell is not False:
                where = [cell, frame.f_lineno]
                break
            frame = frame.f_back
        for index, char in enumerate(text):
            if state[0]:
                lines.append(where)
                state[0] = False
            if char == "\n":
                state[0] = True
            if index > 10_000:
                break

    def write(self: "Any", text: str) -> int:
        if type(self) is not kind:
            # The capture with another class put in (its __class__ set): text handed on
            # by another class's write never counts as printed.
            raise TypeError("write() of standard output called on another object")
        if not issubclass(type(text), str):  # as the real stream: str and its subclasses
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        text = str.__str__(text)  # a subclass's own characters, calling none of its code
        sizes[0] += len(text)
        if sizes[0] > cap * 16:
            raise limit()
        if state[1] or sizes[1] >= cap:
            return len(text)
        sizes[1] += len(text)
        parts.append(text)
        if text:
            locate(text)
        return len(text)

    def nothing(self: "Any") -> None:
        return None

    def false(self: "Any") -> bool:
        return False

    def true(self: "Any") -> bool:
        return True

    methods = {"write": write, "flush": nothing, "isatty": false, "writable": true}
    kind = type(
        "stdout",
        (),
        {
            **methods,
            "readable": false,
            "seekable": false,
            "encoding": "utf-8",
            "errors": "strict",
            "closed": False,
            "__slots__": (),
            "__module__": "sys",
        },
    )

    def read(what: str, flag: bool = False) -> "Any":
        if what == "text":
            return "".join(parts)[:cap]
        if what == "lines":
            return lines[:2000]
        state[1] = flag
        return None

    return kind(), read


def make_guards(policy: "dict[str, Any] | None") -> "dict[str, Any]":
    """Return the helpers the instrumented code calls, the import guard, and the report.

    ``policy`` is the allowlist as plain data (None: nothing is guarded). The result maps
    helper names to functions for the learner's builtins, plus ``__import__`` and, under
    "report", the harness's own reader of what the run recorded.
    """
    records: dict[int, list[Any]] = {}  # id(dict) -> [the dict, {key: (value, origin)}]
    latest: dict[tuple[Any, int], Any] = {}  # (key, id(value)) -> the last origin
    kept: list[Any] = []  # values whose id is in `latest`, kept alive
    active: list[list[Any]] = []  # [site, the frame running the loop]
    refused: list[list[Any]] = []
    count = [0]

    def loops_now() -> "tuple[Any, ...]":
        if not active:
            return ()
        on_stack = set()
        frame = caller(1)
        while frame is not None:
            on_stack.add(id(frame))
            frame = frame.f_back
        return tuple(entry[0] for entry in active if id(entry[1]) in on_stack)

    def origin_of(kind: str, site: "tuple[Any, int]") -> "tuple[Any, ...]":
        return (kind, site[0], site[1], loops_now())

    def record(target: "Any", key: "Any", value: "Any", how: "Any") -> None:
        if type(target) is not dict or not plain_key(key) or how is None:
            return
        entry = records.get(id(target))
        if entry is None:
            if count[0] >= MAX_RECORDS:
                return
            entry = records[id(target)] = [target, {}]
        if key not in entry[1]:
            if count[0] >= MAX_RECORDS:
                return
            count[0] += 1
        entry[1][key] = (value, how)
        if len(latest) < 2 * MAX_RECORDS:
            if (key, id(value)) not in latest:
                kept.append(value)
            latest[(key, id(value))] = how

    def forget(target: "Any", key: "Any" = records) -> None:
        entry = records.get(id(target))
        if entry is None:
            return
        if key is records:
            entry[1].clear()
        elif plain_key(key):
            entry[1].pop(key, None)

    def resolve(target: "Any", key: "Any", value: "Any", copies: bool = True) -> "tuple[Any, bool]":
        """The origin of an entry: its own record if it still holds the value, else (with
        ``copies``) the last write of this very value under this key anywhere: the dict
        was made from another one outside the instrumented code (dict(d), sorted(...))."""
        entry = records.get(id(target))
        own = entry[1].get(key) if entry is not None else None
        if own is not None and own[0] is value:
            return own[1], False
        how = latest.get((key, id(value))) if copies else None
        return how, how is not None

    def refuse(what: str, site: "tuple[Any, int]") -> None:
        if len(refused) < MAX_REFUSED:
            refused.append([what, site[0], site[1]])

    helpers = _writes(record, forget, resolve, origin_of)
    helpers[LOOP] = _loop(active)
    mine = _ownership()
    helpers[ATTRIBUTE] = _attribute_guard(refuse, mine)
    if policy is not None:
        helpers["__import__"] = _import_guard(policy, refuse)
        helpers[FORMAT] = _format_guard(frozenset(policy["attributes"]), refuse, mine)
        helpers[OWNER] = _owner_guard(frozenset(policy["attributes"]), refuse, mine)
        helpers[PATTERN] = _pattern_guard(frozenset(policy["attributes"]), refuse, mine)

    def report(namespace: "dict[str, Any]", most_names: int, most_items: int) -> "dict[str, Any]":
        provenance: dict[str, Any] = {}
        for name, value in dict.items(namespace):
            if type(value) is not dict or type(name) is not str or name.startswith("__"):
                continue
            if len(provenance) >= most_names:
                break
            entries = []
            for key in list(value)[:most_items]:
                how, copied = (
                    resolve(value, key, dict.__getitem__(value, key))
                    if plain_key(key)
                    else (None, False)
                )
                entries.append(_described(how, copied))
            provenance[name] = entries
        return {"provenance": provenance, "refused": [list(r) for r in refused]}

    helpers["report"] = report
    return helpers


def _described(how: "Any", copied: bool) -> "dict[str, Any] | None":
    """An origin as answer data."""
    if how is None:
        return None
    kind, cell, line, loops = how
    return {
        "kind": kind,
        "cell": cell,
        "line": line,
        "loops": [list(site) for site in loops[:20]],
        "copied": copied,
    }


def _loop(active: "list[list[Any]]") -> "Callable[..., Any]":
    """Return the helper a for statement iterates through: it marks the loop as running
    (with the frame running it) while the loop's body runs, and unmarks it at its end."""

    def loop(iterable: "Any", site: "tuple[Any, int]") -> "Any":
        iterator = iter(iterable)

        def run() -> "Any":
            entry = [site, None]
            active.append(entry)
            try:
                for item in iterator:
                    entry[1] = caller(1)
                    yield item
            finally:
                for index, other in enumerate(active):
                    if other is entry:
                        del active[index]
                        break

        return run()

    return loop


def _writes(
    record: "Callable[..., None]",
    forget: "Callable[..., None]",
    resolve: "Callable[..., Any]",
    origin_of: "Callable[..., Any]",
) -> "dict[str, Callable[..., Any]]":
    """Return the helpers for subscript stores, dict methods, |=, displays, comprehensions."""
    exact = dict

    def carry(target: "Any", source: "Any", how: "Any") -> None:
        """Record the entries a dict took from another: each keeps the origin it had."""
        if type(source) is not exact:
            return
        for key in source:
            if plain_key(key):
                value = exact.__getitem__(target, key)
                # A source the program's own code wrote passes its writes on; for one
                # made outside it (dict(...), zip), this write is where the value came in.
                record(target, key, value, resolve(source, key, value, False)[0] or how)

    def update(
        target: "Any", method: "Any", args: "tuple[Any, ...]", kwargs: "Any", site: "Any"
    ) -> None:
        if len(args) > 1:
            raise TypeError(f"update expected at most 1 argument, got {len(args)}")
        source: Any = args[0] if args else None
        if args and type(source) is not exact and not hasattr(source, "keys"):
            source = list(source)  # pairs, read once
        method(*([source] if args else []), **kwargs)
        how = origin_of("method", site)
        carry(target, source, how)
        if type(source) is list:
            for pair in source:
                if (
                    (type(pair) is tuple or type(pair) is list)
                    and len(pair) == 2
                    and plain_key(pair[0])
                ):
                    record(target, pair[0], exact.__getitem__(target, pair[0]), how)
        for key in kwargs:
            record(target, key, exact.__getitem__(target, key), how)

    def apply(
        target: "Any", name: str, method: "Any", args: "Any", kwargs: "Any", site: "Any"
    ) -> "Any":
        if name == "update":
            return update(target, method, args, kwargs, site)
        if name == "setdefault":
            key = args[0] if args else None
            new = plain_key(key) and key not in target
            result = method(*args, **kwargs)
            if new:
                record(target, key, exact.__getitem__(target, key), origin_of("method", site))
            return result
        if name == "fromkeys":
            made = method(*args, **kwargs)
            how = origin_of("method", site)
            for key in made if type(made) is exact else ():
                record(
                    made,
                    key,
                    exact.__getitem__(made, key) if plain_key(key) else None,
                    how,
                )
            return made
        result = method(*args, **kwargs)
        if name == "pop" and args:
            forget(target, args[0])
        elif name == "popitem":
            forget(target, result[0])
        elif name == "clear":
            forget(target)
        elif name == "copy":
            carry(result, target, None)
        return result

    def write(target: "Any", site: "tuple[Any, int]") -> "Any":
        return writer(target, site)

    def set_item(self: "Any", key: "Any", value: "Any") -> None:
        target = self.target
        target[key] = value
        if type(target) is exact:
            record(target, key, value, origin_of("store", self.site))

    def get_item(self: "Any", key: "Any") -> "Any":
        return self.target[key]

    def del_item(self: "Any", key: "Any") -> None:
        del self.target[key]
        forget(self.target, key)

    writer = type(
        "writer",
        (),
        {
            "__slots__": ("target", "site"),
            "__init__": _writer_init,
            "__setitem__": set_item,
            "__getitem__": get_item,
            "__delitem__": del_item,
            "__module__": "builtins",
        },
    )

    def method(owner: "Any", name: str, site: "tuple[Any, int]") -> "Any":
        found = getattr(owner, name)
        if type(owner) is exact:
            return _bound(apply, owner, name, found, site)
        if owner is exact and name == "fromkeys":
            return _bound(apply, None, name, found, site)
        if found is exact.__dict__.get(name):  # dict.update(d, ...), an unbound method
            return _unbound(apply, name, found, site)
        return found

    def ior(target: "Any", operand: "Any", site: "tuple[Any, int]") -> "Any":
        if type(target) is exact:
            update(target, target.update, (operand,), {}, site)
            return target
        result = target
        result |= operand
        return result

    def display(site: "tuple[Any, int]", made: "Any") -> "Any":
        how = origin_of("display", site)
        for key in made:
            if plain_key(key):
                record(made, key, exact.__getitem__(made, key), how)
        return made

    def parts(site: "tuple[Any, int]", *pieces: "tuple[Any, ...]") -> "Any":
        made: dict[Any, Any] = {}
        how = origin_of("display", site)
        for piece in pieces:
            if len(piece) == 2:
                made[piece[0]] = piece[1]
                record(made, piece[0], piece[1], how)
                continue
            source = piece[0]
            if type(source) is not exact and not hasattr(source, "keys"):
                raise TypeError(f"'{type(source).__name__}' object is not a mapping")
            made.update(source)
            carry(made, source, None)
        return made

    def comprehension(site: "tuple[Any, int]", made: "Any") -> "Any":
        how = origin_of("comprehension", site)
        for key in made:
            if plain_key(key):
                record(made, key, exact.__getitem__(made, key), how)
        return made

    return {
        WRITE: write,
        METHOD: method,
        IOR: ior,
        DISPLAY: display,
        PARTS: parts,
        COMPREHENSION: comprehension,
    }


def _writer_init(self: "Any", target: "Any", site: "Any") -> None:
    self.target = target
    self.site = site


def _bound(apply: "Any", owner: "Any", name: str, found: "Any", site: "Any") -> "Any":
    """A dict's method that records what it writes, wherever it is called from."""

    def call(*args: "Any", **kwargs: "Any") -> "Any":
        return apply(owner, name, found, args, kwargs, site)

    call.__name__ = call.__qualname__ = name
    return call


def _unbound(apply: "Any", name: str, found: "Any", site: "Any") -> "Any":
    """dict's own method read from the class, called with the dictionary first."""

    def call(*args: "Any", **kwargs: "Any") -> "Any":
        if not args or type(args[0]) is not dict:
            return found(*args, **kwargs)
        target = args[0]

        def method(*rest: "Any", **named: "Any") -> "Any":
            return found(target, *rest, **named)

        return apply(target, name, method, args[1:], kwargs, site)

    call.__name__ = call.__qualname__ = name
    return call


def _ownership() -> "Callable[[Any], bool]":
    """Return the test of whether the program made an object: its classes, their
    instances, its functions (read through the type's own descriptors, calling none of
    the object's code)."""
    mro_of = type.__dict__["__mro__"].__get__
    dict_of = type.__dict__["__dict__"].__get__
    this_class = super.__dict__["__thisclass__"].__get__
    function = type(_writer_init)

    def mine(owner: "Any") -> bool:
        kind = type(owner)
        if kind is super:
            owner, kind = this_class(owner), type
        if kind is function:
            return learner_origin(owner.__code__.co_filename) is not False
        # Identity and str's own equality only: an == on the program's classes or on
        # what it stored as __module__ would run its code.
        classes = mro_of(owner) if any(c is type for c in mro_of(kind)) else mro_of(kind)
        for c in classes:
            module = dict_of(c).get("__module__")
            if type(module) is str and str.__eq__(module, LEARNER_MODULE):
                return True
        return False

    return mine


def _attribute_guard(
    refuse: "Callable[..., None]", mine: "Callable[[Any], bool]"
) -> "Callable[..., Any]":
    """Return the reader of attributes the allowlist does not name: allowed on what the
    program made; an attribute that exists on anything else is refused and reported."""

    def attribute(owner: "Any", name: str, site: "tuple[Any, int]") -> "Any":
        found = getattr(owner, name)  # a name that is not there fails as Python says
        if mine(owner):
            return found
        refuse("." + name, site)
        raise AttributeError(
            f"'{type(owner).__name__}' object has no attribute '{name}' this exercise allows"
        )

    return attribute


def _owner_guard(
    allowed: "frozenset[str]", refuse: "Callable[..., None]", mine: "Callable[[Any], bool]"
) -> "Callable[..., Any]":
    """Return the guard of an attribute set or deleted (``x.a = v``, ``del x.a``, and
    ``x.a += v``, which reads it too): it hands the object back when the program made
    it, or when the allowlist names the attribute, not one in underscores (those are
    listed to be read: ``x.__class__ = Other`` changes what an object is), and the object
    is not a class (a class of the harness's, such as the print capture's, is never the
    program's to change); anything else is refused."""
    class_type = type

    def owner(value: "Any", name: str, site: "tuple[Any, int]") -> "Any":
        if mine(value) or (
            name in allowed and not name.startswith("_") and not isinstance(value, class_type)
        ):
            return value
        refuse("." + name, site)
        raise AttributeError(
            f"'{type(value).__name__}' object's attribute '{name}' is not the program's "
            "to change in this exercise"
        )

    return owner


def _site(frame: "Any") -> "tuple[Any, int]":
    """The learner's cell and line a frame runs, for a refusal."""
    if frame is None:
        return (None, 0)
    return (learner_origin(frame.f_code.co_filename), frame.f_lineno)


def _format_guard(
    allowed: "frozenset[str]", refuse: "Callable[..., None]", mine: "Callable[[Any], bool]"
) -> "Callable[..., Any]":
    """Return the reader of ``.format`` and ``.format_map``: str's own come wrapped, so
    that a format string, however it was made, reads an attribute the allowlist does not
    name only on what the program made, as code does (the attribute guard).

    A format string whose fields name only listed attributes is formatted by str itself;
    one that names others is formatted here, each field's object read once, through the
    same test of who made it.
    """
    import _string  # type: ignore[import-not-found]  # str.format's own field parser

    parse = _string.formatter_parser
    split = _string.formatter_field_name_split
    text_type = str
    as_text = text_type.__str__  # a str subclass's own characters, calling none of its code
    own = (text_type.format, text_type.format_map)
    bound: Any = type(text_type().format)

    def unlisted(text: str, depth: int = 0) -> bool:
        """Whether a format string's fields name an attribute the allowlist does not."""
        try:
            for _, field, spec, _ in parse(text):
                if field is not None:
                    for is_attribute, part in split(field)[1]:
                        if is_attribute and part not in allowed:
                            return True
                if spec and depth < 2 and unlisted(spec, depth + 1):
                    return True
        except ValueError:
            return False  # not a format string: str.format says so itself
        return False

    def fill(
        text: str, args: "Any", named: "Any", site: "Any", count: "list[int]", depth: int = 0
    ) -> str:
        """Format text as str.format does, reading each field's attributes through the guard."""
        if depth > 2:
            raise ValueError("Max string recursion exceeded")
        pieces = []
        for literal, field, spec, conversion in parse(text):
            pieces.append(literal)
            if field is None:
                continue
            first, rest = split(field)
            if first == "":
                if count[0] < 0:
                    raise ValueError(
                        "cannot switch from manual field specification to automatic field numbering"
                    )
                first = count[0]
                count[0] += 1
            elif type(first) is int:
                if count[0] > 0:
                    raise ValueError(
                        "cannot switch from automatic field numbering to manual field specification"
                    )
                count[0] = -1
            value = args[first] if type(first) is int else named[first]
            for is_attribute, part in rest:
                if not is_attribute:
                    value = value[part]
                    continue
                if part not in allowed and not mine(value):
                    refuse("." + part, site)
                    raise AttributeError(
                        f"a format field reads '.{part}', which this exercise allows only "
                        "on what the program made"
                    )
                value = getattr(value, part)
            if conversion == "r":
                value = repr(value)
            elif conversion == "s":
                value = text_type(value)
            elif conversion == "a":
                value = ascii(value)
            elif conversion is not None:
                raise ValueError(f"Unknown conversion specifier {conversion}")
            pieces.append(
                format(value, fill(spec, args, named, site, count, depth + 1) if spec else "")
            )
        return "".join(pieces)

    def formatted(text: "Any", args: "Any", named: "Any", site: "Any", call: "Any") -> "Any":
        if not isinstance(text, text_type) or not unlisted(as_text(text)):
            return call()
        return fill(as_text(text), args, named, site, [0])

    def formatter(owner: "Any", name: str, site: "tuple[Any, int]") -> "Any":
        found: Any = getattr(owner, name)
        if found is own[0] or found is own[1]:  # str.format(text, ...): the text comes first

            def unbound(*args: "Any", **kwargs: "Any") -> "Any":
                if not args:
                    return found(*args, **kwargs)
                if found is own[0]:
                    return formatted(
                        args[0], args[1:], kwargs, site, lambda: found(*args, **kwargs)
                    )
                if len(args) != 2 or kwargs:
                    return found(*args, **kwargs)
                return formatted(args[0], (), args[1], site, lambda: found(*args))

            return unbound
        if type(found) is bound and isinstance(getattr(found, "__self__", None), text_type):
            text = found.__self__  # "...".format: str's own method, bound to its text
            mapping = found.__name__ == "format_map"

            def method(*args: "Any", **kwargs: "Any") -> "Any":
                if mapping:
                    if len(args) != 1 or kwargs:
                        return found(*args, **kwargs)
                    return formatted(text, (), args[0], site, lambda: found(*args))
                return formatted(text, args, kwargs, site, lambda: found(*args, **kwargs))

            return method
        return found

    return formatter


def _pattern_guard(
    allowed: "frozenset[str]", refuse: "Callable[..., None]", mine: "Callable[[Any], bool]"
) -> "Any":
    """Return what a pattern that reads attributes by name reads instead.

    A class pattern that reads attributes (``case C(x=p)``) reads ``refused``, which
    refuses. A value pattern's dotted name (``case Color.RED``) reads an attribute of
    this object whose name spells the dotted name (instrument.value_name): it finds the
    first name where Python would (the frame's locals, its globals, its builtins) and
    reads each attribute as code does through the attribute guard, when Python reaches
    the pattern and not before.
    """

    def refused(self: "Any") -> "Any":
        site = _site(caller(1))
        refuse("case ...(...)", site)
        raise AttributeError("a pattern that reads attributes is not allowed in this exercise")

    def dotted(self: "Any", spelled: str) -> "Any":
        if not spelled.startswith("v"):
            raise AttributeError(spelled)
        parts = [bytes.fromhex(part).decode("utf-8") for part in spelled[1:].split("_")]
        frame = caller(1)
        site = _site(frame)
        first = parts[0]
        if frame is None:
            raise NameError(f"name '{first}' is not defined")
        for scope in (frame.f_locals, frame.f_globals, frame.f_builtins):
            if first in scope:
                value = scope[first]
                break
        else:
            raise NameError(f"name '{first}' is not defined")
        for name in parts[1:]:
            found = getattr(value, name)  # a name that is not there fails as Python says
            if name not in allowed and not mine(value):
                refuse("." + name, site)
                raise AttributeError(
                    f"'{type(value).__name__}' object has no attribute '{name}' this exercise allows"
                )
            value = found
        return value

    kind = type(
        "pattern",
        (),
        {
            "refused": property(refused),
            "__getattr__": dotted,
            "__slots__": (),
            "__module__": "builtins",
        },
    )
    return kind()


def _import_guard(policy: "dict[str, Any]", refuse: "Callable[..., None]") -> "Callable[..., Any]":
    """Return the learner's __import__: only the allowed modules, each as a fresh module
    holding only its allowed attributes (a copy of those that are the interpreter's
    mutable state, such as sys.path, which decides which file an import runs)."""
    allowed: dict[str, list[str]] = policy["modules"]
    real_import = builtins.__import__
    stdlib = STDLIB
    module_type = type(builtins)
    containers = (list, dict, set)
    views: dict[str, Any] = {}

    def view(name: str) -> "Any":
        if name in views:
            return views[name]
        real = real_import(name)
        for part in name.split(".")[1:]:
            real = getattr(real, part)
        made = module_type(name)
        for attribute in allowed.get(name, ()):
            if hasattr(real, attribute):
                value = getattr(real, attribute)
                if type(value) in containers:
                    # The interpreter's own state (sys.path, sys.argv): the program gets
                    # a copy, so that what it changes there steers no import, the guard's
                    # or an allowed module's, to another file than Python's own.
                    value = type(value)(value)
                setattr(made, attribute, value)
        views[name] = made
        for other in allowed:
            head, _, tail = other.rpartition(".")
            if head == name:
                setattr(made, tail, view(other))
        return made

    def guarded(
        name: str,
        globals: "Any" = None,
        locals: "Any" = None,
        fromlist: "Any" = (),
        level: int = 0,
    ) -> "Any":
        frame = caller(1)
        site = (learner_origin(frame.f_code.co_filename), frame.f_lineno) if frame else (None, 0)
        if level or name not in allowed:
            top = name.split(".")[0]
            if not level and top not in stdlib and not top.startswith("_") and top != "grader":
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
            refuse("import " + name, site)
            raise ImportError(f"the module '{name}' is not allowed in this exercise", name=name)
        real_import(name, None, None, fromlist, 0)
        for item in fromlist or ():
            if item != "*" and item not in allowed[name] and f"{name}.{item}" not in allowed:
                refuse(f"from {name} import {item}", site)
                raise ImportError(f"cannot import name '{item}' from '{name}' in this exercise")
        return view(name if fromlist else name.split(".")[0])

    return guarded


def learner_builtins(
    policy: "dict[str, Any] | None", helpers: "dict[str, Any]"
) -> "dict[str, Any]":
    """Return the learner's builtins: the allowed ones (all, with no policy) and the helpers."""
    source = builtins.__dict__
    if policy is None:
        table = dict(source)
    else:
        table = {name: source[name] for name in policy["builtins"] if name in source}
        # Python itself needs these to run a class statement and an import statement.
        table["__build_class__"] = source["__build_class__"]
    table.update({name: helper for name, helper in helpers.items() if name != "report"})
    return table


# What guard_space() rebuilds: every function the guards use, and their constants.
GUARD_NAMES = (
    "ATTRIBUTE", "COMPREHENSION", "DISPLAY", "FORMAT", "IOR", "LEARNER_MODULE", "LOOP",
    "MAX_RECORDS", "MAX_REFUSED", "METHOD", "OWNER", "PARTS", "PATTERN", "STDLIB", "WRITE",
    "_attribute_guard", "_bound", "_described", "_format_guard", "_import_guard", "_loop",
    "_owner_guard", "_ownership",
    "_pattern_guard", "_site", "_unbound",
    "_writer_init", "_writes", "caller", "display", "fresh", "learner_builtins", "learner_origin",
    "make_capture", "make_guards", "make_namespace", "plain_key",
)  # fmt: skip
