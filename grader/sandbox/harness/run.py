"""Running the learner's cells in one variant's process, with stdout captured and
the overrides in force, and sending back what happened.
"""

import _signal as signal  # the C module: `signal` would import enum, and enum re
import builtins
import io
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from grader.sandbox.harness.channel import answer_channel, hide_descriptor
    from grader.sandbox.harness.encode import (
        MAX_NAMES,
        OutputLimit,
        Timeout,
        category_of,
        encode_value,
        error_record,
        get_frame,
        json_text,
        learner_origin,
    )
    from grader.sandbox.harness.lockdown import apply_limits
    from grader.sandbox.harness.words import (
        ENDED_INTERRUPTED,
        ENDED_OUTPUT_LIMIT,
        ENDED_SYS_EXIT,
        LIMIT_OUTPUT,
        LIMIT_TIMEOUT,
    )


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
        # A closed stdout behaves as a real one does: printing to it is an error, so
        # closing it cannot hide what the program prints afterwards.
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        if type(text) is not str:
            raise TypeError("write() argument must be str, not " + type(text).__name__)
        self.size += len(text)
        if self.size > self.cap * 16:
            raise OutputLimit()
        if self.size - len(text) < self.cap:
            self.parts.append(text)
            if text:
                self._locate(text)
        return len(text)

    def _locate(self, text):
        where = [False, 0]
        frame = get_frame(2)
        while frame is not None:
            origin = learner_origin(frame.f_code.co_filename)
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


def _display(*objects, **options):
    """Stand in for Jupyter's display(): it shows rich output, never stdout."""
    return None


def _start_timer(handler, seconds):
    """Call handler in the main thread after some seconds; return what cancels it.

    POSIX has SIGALRM; Windows has neither it nor setitimer, so a thread sleeps and
    then interrupts the main thread with SIGINT, whose handler is ours meanwhile.
    """
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, seconds)

        def stop():
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_IGN)

        return stop
    import _thread

    pending = [True]

    def ring():
        time.sleep(seconds)
        if pending[0]:
            _thread.interrupt_main(signal.SIGINT)

    signal.signal(signal.SIGINT, handler)
    _thread.start_new_thread(ring, ())

    def cancel():
        pending[0] = False
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return cancel


def run_variant(request, overrides, deliver):
    """Run the learner's cells once, with these overrides, and send back what happened.

    ``deliver(data)`` sends the answer's bytes and ends the process; it never returns.
    """
    _OVERRIDES.clear()
    _OVERRIDES.update(overrides)
    capture = _Capture(request["stdout_cap"])
    namespace = _Namespace()
    namespace["__name__"] = "__main__"
    namespace["__builtins__"] = builtins
    if request["kind"] == "notebook":
        # Jupyter gives every notebook display(); it shows a value without printing it.
        namespace["display"] = _display
    errors = []
    ended = None
    timed_out = False
    cells_run = []

    def on_alarm(signum, frame):
        raise Timeout()

    stop_timer = _start_timer(on_alarm, max(0.05, request["soft_budget"]))
    sys.stdout = sys.__stdout__ = capture
    sys.stderr = sys.__stderr__ = io.StringIO()
    script = request["kind"] == "script"
    try:
        for cell in request["cells"]:
            number = cell["number"]
            filename = "<submission>" if number is None else f"<cell {number}>"
            try:
                code = compile(cell["source"], filename, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as error:
                if not isinstance(error, SyntaxError):
                    error = SyntaxError(str(error), (filename, 1, 1, ""))
                errors.append(error_record(error, [number]))
                if script:
                    break
                continue
            except (MemoryError, RecursionError):
                errors.append(
                    error_record(
                        SyntaxError("the code is too deeply nested to read", (filename, 1, 1, "")),
                        [number],
                    )
                )
                if script:
                    break
                continue
            cells_run.append(number)
            try:
                exec(code, namespace)
            except Timeout as error:
                # The harness's own record says what stopped the program; the class's
                # name does not (the learner can define a class of the same name).
                timed_out = True
                errors.append(error_record(error, [number]))
                errors[-1]["limit"] = LIMIT_TIMEOUT
                break
            except OutputLimit as error:
                ended = ENDED_OUTPUT_LIMIT
                errors.append(error_record(error, [number]))
                errors[-1]["limit"] = LIMIT_OUTPUT
                break
            except SystemExit as error:
                code_value = error.code
                ended = ENDED_SYS_EXIT
                errors.append(error_record(error, [number]))
                errors[-1]["exit_code"] = code_value if type(code_value) in (int, type(None)) else 1
                break
            except Exception as error:
                errors.append(error_record(error, [number]))
                if script:
                    break
            except BaseException as error:
                # KeyboardInterrupt, GeneratorExit or a BaseException of the learner's:
                # a way to end the program early, like sys.exit, not a mistake in a cell.
                ended = ENDED_INTERRUPTED
                errors.append(error_record(error, [number]))
                break
    except Timeout:
        timed_out = True
    except BaseException:
        pass
    finally:
        stop_timer()
    try:
        values = {}
        names = []
        for name, value in dict.items(namespace):
            if type(name) is not str or name.startswith("__"):
                continue
            if len(names) >= MAX_NAMES:
                break
            category = category_of(value)
            names.append([name, category])
            if category == "value":
                values[name] = encode_value(value)
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
        data = json_text(answer).encode("utf-8")
    except BaseException as error:
        data = json_text({"overrides": overrides, "broken": type(error).__name__}).encode("utf-8")
    deliver(data)


def run_portable(request):
    """Run the request's one variant in this very process: the portable tier.

    No fork, no prctl, no /proc: the parent started one interpreter per variant, in its
    own folder, and is the one that watches the time and kills what is left.
    """
    # Before the descriptor limit: the answer pipe moves to a high number.
    deliver = _portable_channel(request)
    try:
        apply_limits(request.get("limits", {}), list(request.get("limits", {})))
    except ImportError:
        pass  # no resource module (Windows): the parent's job object limits memory
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    run_variant(request, request["variants"][0], deliver)


def _portable_channel(request):
    """Return the variant's deliver, taking its secret and exit status out of the request.

    The parent drew them and reads this variant's pipe itself; from here on they live
    only in the channel's closure.
    """
    result_fd = request.pop("result_fd", None)
    if request.get("result_handle") is not None:
        import msvcrt

        result_fd = msvcrt.open_osfhandle(request.pop("result_handle"), 0)
    elif os.name == "posix":
        result_fd = hide_descriptor(result_fd)
    return answer_channel(result_fd, request.pop("secret"), request.pop("status"))
