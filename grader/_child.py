"""The harness that runs inside the child process, around the learner's code.

It is started as ``python -I -S -c <this file's text>`` and uses the standard library
only. It reads one JSON request on stdin (the cells to run, the variants, the limits),
then points stdin at /dev/null. Each variant of the program runs in a forked process of
its own, so variants cannot see each other's state; each sends back plain data (every
value converted to builtin types with its exact type written down) on a private pipe.
The harness sends one JSON answer, tagged with the request's nonce, on a file
descriptor that is not stdout, then exits. Everything the parent learns about the
learner's program comes from that answer.
"""

import builtins
import io
import json
import os
import select
import signal
import sys
import time

_dumps = json.dumps
_write = os.write
_exit = os._exit
_getframe = sys._getframe
_monotonic = time.monotonic

# Limits on the data one run sends back, so that a hostile value cannot flood the pipe.
MAX_ITEMS = 200
MAX_DEPTH = 6
MAX_STR = 2000
MAX_NAMES = 300
MAX_ANSWER = 4_000_000


class _Timeout(BaseException):
    """Raised in the learner's code when its time is up."""


class _OutputLimit(BaseException):
    """Raised in the learner's code when it prints far more than any solution would."""


def _learner_origin(filename):
    """Return the cell number for a learner code object's filename, or False."""
    if filename == "<submission>":
        return None
    if filename.startswith("<cell ") and filename.endswith(">"):
        try:
            return int(filename[6:-1])
        except ValueError:
            return False
    return False


class _Capture(io.TextIOBase):
    """Stands in for sys.stdout: keeps what is printed, and where it was printed from."""

    def __init__(self, cap):
        self.cap = cap
        self.size = 0
        self.parts = []
        self.lines = []  # [cell, line] of the code that started each output line
        self.at_line_start = True

    def writable(self):
        return True

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"

    def write(self, text):
        if type(text) is not str:
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        self.size += len(text)
        if self.size > self.cap * 16:
            raise _OutputLimit()
        if self.size - len(text) < self.cap:
            self.parts.append(text)
            if text:
                self._locate(text)
        return len(text)

    def _locate(self, text):
        where = [False, 0]
        frame = _getframe(2)
        while frame is not None:
            origin = _learner_origin(frame.f_code.co_filename)
            if origin is not False:
                where = [origin, frame.f_lineno]
                break
            frame = frame.f_back
        for char_index, char in enumerate(text):
            if self.at_line_start:
                self.lines.append(where)
                self.at_line_start = False
            if char == "\n":
                self.at_line_start = True
            if char_index > 10_000:
                break

    def text(self):
        return "".join(self.parts)[: self.cap]


class _Namespace(dict):
    """Module globals that answer with an override for names the learner defined.

    CPython looks names up through __getitem__ when the globals are not an exact dict,
    for module-level code and functions alike, so a learner's ``load = 7`` reads back as
    the override however the value is later used.
    """

    def __getitem__(self, key):
        if key in _OVERRIDES and dict.__contains__(self, key):
            return _OVERRIDES[key]
        return dict.__getitem__(self, key)


_OVERRIDES = {}


def _encode(value, depth=0, budget=None):
    """Convert a value to builtin JSON data with its exact type, calling none of its methods."""
    if budget is None:
        budget = [5000]
    budget[0] -= 1
    kind = type(value)
    if kind is bool:
        return {"type": "bool", "value": value}
    if kind is int:
        if -(10**18) <= value <= 10**18:
            return {"type": "int", "value": value}
        return {"type": "int", "value": None, "big": True}
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return {"type": "float", "value": None, "repr": float.__repr__(value)}
        return {"type": "float", "value": value}
    if kind is str:
        return {"type": "str", "value": value[:MAX_STR], "truncated": len(value) > MAX_STR}
    if value is None:
        return {"type": "NoneType"}
    if kind in (dict, list, tuple, set, frozenset):
        if depth >= MAX_DEPTH or budget[0] <= 0:
            return {"type": kind.__name__, "truncated": True}
        if kind is dict:
            items = []
            for key, item in dict.items(value):
                if len(items) >= MAX_ITEMS or budget[0] <= 0:
                    break
                items.append([_encode(key, depth + 1, budget), _encode(item, depth + 1, budget)])
            return {"type": "dict", "items": items, "length": dict.__len__(value)}
        if kind is set or kind is frozenset:
            iterator = kind.__iter__(value)
            length = kind.__len__(value)
        else:
            iterator = kind.__iter__(value)
            length = kind.__len__(value)
        elements = []
        for element in iterator:
            if len(elements) >= MAX_ITEMS or budget[0] <= 0:
                break
            elements.append(_encode(element, depth + 1, budget))
        return {"type": kind.__name__, "items": elements, "length": length}
    # Anything else is described by its type alone: its own methods are never called.
    bases = [base.__name__ for base in type.__dict__["__mro__"].__get__(kind)]
    builtin_base = next(
        (name for name in bases[1:] if name in ("bool", "int", "float", "str", "dict", "list", "tuple", "set")),
        None,
    )
    return {
        "type": type.__dict__["__name__"].__get__(kind),
        "module": str(type.__dict__["__module__"].__get__(kind)) if "__module__" in type.__dict__ else "",
        "base": builtin_base,
    }


def _category(value):
    """Name what kind of thing a top-level name holds, without touching the value."""
    kind = type(value)
    if kind is type(sys):
        return "module"
    if kind in (type(_encode), type(len)) or kind is type:
        return "function" if kind is not type else "class"
    return "value"


def _error(exception, cell_numbers):
    """Describe an exception with the learner's own frames only."""
    try:
        message = str(exception)
    except BaseException:
        message = ""
    record = {
        "type": type(exception).__name__,
        "message": message[:MAX_STR],
        "frames": [],
    }
    if isinstance(exception, SyntaxError):
        origin = _learner_origin(exception.filename or "")
        record["syntax"] = True
        record["msg"] = str(exception.msg)[:MAX_STR]
        record["cell"] = origin if origin is not False else None
        record["line"] = exception.lineno
        record["offset"] = exception.offset
        record["end_offset"] = getattr(exception, "end_offset", None)
        return record
    tb = exception.__traceback__
    while tb is not None:
        origin = _learner_origin(tb.tb_frame.f_code.co_filename)
        if origin is not False:
            record["frames"].append([origin, tb.tb_lineno, tb.tb_frame.f_code.co_name])
        tb = tb.tb_next
    if record["frames"]:
        record["cell"], record["line"] = record["frames"][-1][0], record["frames"][-1][1]
    else:
        record["cell"], record["line"] = (cell_numbers[0] if cell_numbers else None), None
    return record


def _run_variant(request, overrides, write_fd):
    """Run the learner's cells once, with these overrides, and send back what happened."""
    _OVERRIDES.clear()
    _OVERRIDES.update(overrides)
    capture = _Capture(request["stdout_cap"])
    namespace = _Namespace()
    namespace["__name__"] = "__main__"
    namespace["__builtins__"] = builtins
    errors = []
    ended = None
    timed_out = False
    cells_run = []

    def on_alarm(signum, frame):
        raise _Timeout()

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(0.05, request["soft_budget"]))
    sys.stdout = sys.__stdout__ = capture
    sys.stderr = sys.__stderr__ = io.StringIO()
    script = request["kind"] == "script"
    try:
        for cell in request["cells"]:
            number = cell["number"]
            filename = "<submission>" if number is None else "<cell %d>" % number
            try:
                code = compile(cell["source"], filename, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as error:
                if not isinstance(error, SyntaxError):
                    error = SyntaxError(str(error), (filename, 1, 1, ""))
                errors.append(_error(error, [number]))
                if script:
                    break
                continue
            except (MemoryError, RecursionError) as error:
                errors.append(_error(SyntaxError("the code is too deeply nested to read", (filename, 1, 1, "")), [number]))
                if script:
                    break
                continue
            cells_run.append(number)
            try:
                exec(code, namespace)
            except _Timeout as error:
                timed_out = True
                errors.append(_error(error, [number]))
                break
            except _OutputLimit as error:
                ended = "output-limit"
                errors.append(_error(error, [number]))
                break
            except SystemExit as error:
                code_value = error.code
                ended = "sys.exit"
                errors.append(_error(error, [number]))
                errors[-1]["exit_code"] = code_value if type(code_value) in (int, type(None)) else 1
                break
            except BaseException as error:
                errors.append(_error(error, [number]))
                if script:
                    break
    except _Timeout:
        timed_out = True
    except BaseException:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
    try:
        values = {}
        names = []
        for name, value in dict.items(namespace):
            if type(name) is not str or name.startswith("__"):
                continue
            if len(names) >= MAX_NAMES:
                break
            category = _category(value)
            names.append([name, category])
            if category == "value":
                values[name] = _encode(value)
        answer = {
            "overrides": overrides,
            "values": values,
            "names": names,
            "stdout": capture.text(),
            "stdout_size": capture.size,
            "lines": capture.lines[:2000],
            "errors": errors[:50],
            "timed_out": timed_out,
            "ended": ended,
        }
        data = _dumps(answer).encode("utf-8")
    except BaseException as error:
        data = _dumps({"overrides": overrides, "broken": type(error).__name__}).encode("utf-8")
    view = memoryview(data)
    while view:
        try:
            written = _write(write_fd, view[:65536])
        except InterruptedError:
            continue
        except OSError:
            break
        view = view[written:]
    _exit(0)


def _apply_limits(limits):
    """Lower the resource limits, soft and hard, so the learner's code cannot raise them."""
    import resource

    for name, value in limits.items():
        which = getattr(resource, name, None)
        if which is None or value is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def main():
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    _apply_limits(request.get("limits", {}))
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    result_fd = request["result_fd"]
    deadline = _monotonic() + request["budget"]
    children = {}
    for index, overrides in enumerate(request["variants"]):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_fd)
            os.close(result_fd)
            try:
                _run_variant(request, overrides, write_fd)
            finally:
                _exit(0)
        os.close(write_fd)
        children[read_fd] = {"pid": pid, "index": index, "chunks": [], "size": 0, "done": False}
    while any(not child["done"] for child in children.values()):
        left = deadline - _monotonic()
        if left <= 0:
            break
        open_fds = [fd for fd, child in children.items() if not child["done"]]
        ready, _, _ = select.select(open_fds, [], [], left)
        for fd in ready:
            child = children[fd]
            chunk = os.read(fd, 65536)
            if not chunk or child["size"] > MAX_ANSWER:
                child["done"] = True
                continue
            child["size"] += len(chunk)
            child["chunks"].append(chunk)
    runs = []
    for fd, child in sorted(children.items(), key=lambda item: item[1]["index"]):
        if not child["done"]:
            try:
                os.kill(child["pid"], signal.SIGKILL)
            except OSError:
                pass
        _, status = os.waitpid(child["pid"], 0)
        run = None
        if child["done"] and child["chunks"] and child["size"] <= MAX_ANSWER:
            try:
                run = json.loads(b"".join(child["chunks"]).decode("utf-8"))
            except ValueError:
                run = None
        if not isinstance(run, dict) or "values" not in run:
            run = {
                "overrides": request["variants"][child["index"]],
                "missing": True,
                "timed_out": not child["done"],
                "exit_status": os.waitstatus_to_exitcode(status),
            }
        runs.append(run)
        os.close(fd)
    answer = _dumps({"nonce": request["nonce"], "runs": runs}).encode("utf-8")
    view = memoryview(answer)
    while view:
        view = view[os.write(result_fd, view):]
    os.close(result_fd)


main()
