"""Running the learner's cells in one variant's process, with stdout captured and
the overrides in force, and sending back what happened.
"""

import io
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    import signal
    from collections.abc import Callable
    from typing import Any, NoReturn

    from grader.sandbox.harness.channel import answer_channel, hide_descriptor
    from grader.sandbox.harness.encode import (
        MAX_ITEMS,
        MAX_NAMES,
        OutputLimit,
        Timeout,
        category_of,
        encode_value,
        error_record,
        json_text,
        learner_origin,
        monotonic,
    )
    from grader.sandbox.harness.guards import guard_space
    from grader.sandbox.harness.instrument import instrument
    from grader.sandbox.harness.lockdown import apply_limits
    from grader.sandbox.harness.words import (
        ENDED_INTERRUPTED,
        ENDED_OUTPUT_LIMIT,
        ENDED_SYS_EXIT,
        ENDED_THREAD,
        LIMIT_OUTPUT,
        LIMIT_TIMEOUT,
    )
else:
    import _signal as signal  # the C module: `signal` would import enum, and enum re


# After the time is up, the timer rings again this often: a program that catches the
# first ring (`except BaseException: pass`) is interrupted again, until the parent's
# deadline ends its process; either way it is recorded as still running at its limit.
RING_AGAIN = 0.05


def _start_timer(handler: "Any", seconds: float) -> "Any":
    """Call handler in the main thread after some seconds, then again and again; return
    what cancels it.

    POSIX has SIGALRM; Windows has neither it nor setitimer, so a thread sleeps and
    then interrupts the main thread with SIGINT, whose handler is ours meanwhile.
    """
    if hasattr(signal, "setitimer"):
        signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, seconds, RING_AGAIN)

        def stop() -> None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_IGN)

        return stop
    import _thread

    pending = [True]

    def ring() -> None:
        time.sleep(seconds)
        while pending[0]:
            _thread.interrupt_main(signal.SIGINT)
            time.sleep(RING_AGAIN)

    signal.signal(signal.SIGINT, handler)
    _thread.start_new_thread(ring, ())

    def cancel() -> None:
        pending[0] = False
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    return cancel


def _code_of(cell: "dict[str, Any]", filename: str) -> "Any":
    """The cell's code: compiled and instrumented by the grader, or here if it could not.

    Code that could not be instrumented never runs as written: that would run it past
    every guard. Its source is compiled only to raise the learner's own error; source
    that compiles all the same is code too deeply nested to instrument.
    """
    if "code" in cell:
        code = cell["code"]
    else:  # an interpreter that cannot read the grader's bytecode: instrument here
        code = instrument(cell["source"], filename, cell["number"], cell)
    if code is None:
        compile(cell["source"], filename, "exec", dont_inherit=True)
        raise RecursionError("the code could not be instrumented")
    return code


def _unreadable(number: "int | None", filename: str, error: BaseException) -> "dict[str, Any]":
    """The error record of a cell Python cannot compile."""
    if isinstance(error, (MemoryError, RecursionError)):
        error = SyntaxError("the code is too deeply nested to read", (filename, 1, 1, ""))
    elif not isinstance(error, SyntaxError):
        error = SyntaxError(str(error), (filename, 1, 1, ""))
    return error_record(error, [number], unreadable=True)


def _run_cells(
    request: "dict[str, Any]", namespace: "dict[str, Any]", mute: "Any", state: "dict[str, Any]"
) -> None:
    """Run the cells in order, as Python runs a script or "Restart & Run All" a notebook.

    ``state`` collects the errors and how the run ended.
    """
    errors = state["errors"]
    script = request["kind"] == "script"
    for cell in request["cells"]:
        number = cell["number"]
        filename = "<submission>" if number is None else f"<cell {number}>"
        try:
            code = _code_of(cell, filename)
        except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
            errors.append(_unreadable(number, filename, error))
            if script:
                break
            continue
        mute("mute", bool(cell.get("muted")))
        try:
            exec(code, namespace)
        except Timeout as error:
            # The harness's own record says what stopped the program; the class's
            # name does not (the learner can define a class of the same name).
            errors.append(dict(error_record(error, [number]), limit=LIMIT_TIMEOUT))
            break
        except OutputLimit as error:
            state["ended"] = ENDED_OUTPUT_LIMIT
            errors.append(dict(error_record(error, [number]), limit=LIMIT_OUTPUT))
            break
        except SystemExit as error:
            state["ended"] = ENDED_SYS_EXIT
            errors.append(error_record(error, [number]))
            break
        except Exception as error:
            errors.append(error_record(error, [number]))
            if script:
                break
        except BaseException as error:
            # KeyboardInterrupt, GeneratorExit or a BaseException of the learner's:
            # a way to end the program early, like sys.exit, not a mistake in a cell.
            state["ended"] = ENDED_INTERRUPTED
            errors.append(error_record(error, [number]))
            break
        finally:
            mute("mute", False)


def _threads_left(deadline: float) -> bool:
    """Whether a thread that keeps Python from exiting is still running at the deadline.

    Python waits for every thread that is not a daemon before it exits, so a program
    that leaves one running does not end. Only threading's threads count, and they are
    asked through threading's own Thread methods, which a subclass cannot replace here.
    """
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    base = threading.Thread
    for thread in threading.enumerate():
        if thread is threading.main_thread() or base.daemon.fget(thread):
            continue
        base.join(thread, max(0.0, deadline - monotonic()))
        if base.is_alive(thread):
            return True
    return False


def _learner_frames(frame: "Any") -> "list[list[Any]]":
    """[cell, line, function] of the learner's frames around a running frame, outermost first."""
    found = []
    while frame is not None:
        origin = learner_origin(frame.f_code.co_filename)
        if origin is not False:
            found.append([origin, frame.f_lineno, frame.f_code.co_name])
        frame = frame.f_back
    return found[::-1]


def _still_running(frames: "list[list[Any]]") -> "dict[str, Any]":
    """The record of a time limit the program reached and caught, placed where it ran."""
    cell, line = (frames[-1][0], frames[-1][1]) if frames else (None, None)
    return {
        "type": "Timeout",
        "message": "",
        "frames": frames,
        "cell": cell,
        "line": line,
        "limit": LIMIT_TIMEOUT,
    }


def variant_kit(request: "dict[str, Any]") -> "dict[str, Any]":
    """Build what a variant's run needs that is the same for every variant of a request:
    the guards' namespace, the guards with their empty records, the print capture and
    the learner's builtins.

    The harness builds it once, before it forks the variants: each variant then starts
    from a pristine copy of its own (the fork copies it), rather than building it again
    in a fresh process, where every object it makes costs a page copied. Nothing in it
    refers to the harness (see guard_space), and its state is empty until the variant
    that owns the copy runs.
    """
    policy = request.get("policy")
    space = guard_space()
    helpers = space["make_guards"](policy)
    report = helpers.pop("report")
    capture, read = space["make_capture"](request["stdout_cap"], OutputLimit)
    return {
        "space": space,
        "report": report,
        "capture": capture,
        "read": read,
        "builtins": space["learner_builtins"](policy, helpers),
    }


def run_variant(
    request: "dict[str, Any]",
    overrides: "dict[str, Any]",
    deliver: "Any",
    kit: "dict[str, Any] | None" = None,
) -> None:
    """Run the learner's cells once, with these overrides, and send back what happened.

    ``deliver(data)`` sends the answer's bytes and ends the process; it never returns.
    ``kit`` is variant_kit's, built before this process was forked (else built here).
    """
    started = monotonic()
    if kit is None:
        kit = variant_kit(request)
    space = kit["space"]
    report, capture, read = kit["report"], kit["capture"], kit["read"]
    namespace = space["make_namespace"](dict(overrides))
    namespace["__name__"] = "__main__"
    namespace["__builtins__"] = kit["builtins"]
    if request["kind"] == "notebook":
        # Jupyter gives every notebook display(); it shows a value without printing it.
        namespace["display"] = space["display"]
    state: dict[str, Any] = {"errors": [], "ended": None}
    clock = [True, False]  # armed, rang
    running: list[Any] = []  # the learner's frames when the time was first up

    def on_alarm(signum: int, frame: "Any") -> None:
        if clock[0]:
            if not clock[1]:
                running.extend(_learner_frames(frame))
            clock[1] = True
            raise Timeout()

    budget = max(0.05, request["soft_budget"])
    stop_timer = _start_timer(on_alarm, budget)
    # The interpreter's own streams too: learner code that reaches for them is captured.
    sys.stdout = sys.__stdout__ = capture  # type: ignore[misc]  # typeshed makes them Final
    sys.stderr = sys.__stderr__ = io.StringIO()  # type: ignore[misc, assignment]  # as above
    try:
        _run_cells(request, namespace, read, state)
    except BaseException:
        pass  # the timer rang between two cells, or the harness's own code failed
    finally:
        clock[0] = False
        stop_timer()
    if clock[1] and not any(e.get("limit") == LIMIT_TIMEOUT for e in state["errors"]):
        # The program caught the interrupt and went on: it was still running at its
        # limit all the same, where the first ring found it.
        state["errors"].insert(0, _still_running(running))
    if not clock[1] and state["ended"] is None and _threads_left(started + budget):
        state["ended"] = ENDED_THREAD
    try:
        learned = _named_first(namespace, request.get("names") or ())
        data = _answer(learned, overrides, read, report, state, clock[1])
    except BaseException as error:
        data = json_text({"overrides": overrides, "broken": type(error).__name__}).encode("utf-8")
    deliver(data)


def _named_first(namespace: "dict[str, Any]", wanted: "Any") -> "dict[str, Any]":
    """Return the learner's top-level names as a plain dict, those the request names
    first: an answer holds at most MAX_NAMES names, and the names the exercise checks
    are recorded whatever else the program makes, and however early it makes it."""
    asked = frozenset(name for name in wanted if type(name) is str)
    first: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for name, value in dict.items(namespace):
        if type(name) is not str or name.startswith("__"):
            continue
        if name in asked:
            first[name] = value
        else:
            rest[name] = value
    first.update(rest)
    return first


def _answer(
    namespace: "dict[str, Any]",
    overrides: "dict[str, Any]",
    read: "Any",
    report: "Any",
    state: "dict[str, Any]",
    timed_out: bool,
) -> bytes:
    """Write what the run left behind as the answer's bytes (grader/sandbox/wire.py RunData)."""
    values: dict[str, Any] = {}  # the learner's values, encoded
    names: list[list[str]] = []
    for name, value in dict.items(namespace):
        if type(name) is not str or name.startswith("__"):
            continue
        if len(names) >= MAX_NAMES:
            break
        category = category_of(value)
        names.append([name, category])
        if category == "value":
            values[name] = encode_value(value)
    recorded = report(namespace, MAX_NAMES, MAX_ITEMS)
    answer = {
        "overrides": overrides,
        "values": values,
        "names": names,
        "stdout": read("text"),
        "lines": read("lines"),
        "errors": state["errors"][:50],
        # Still running when its time was up, whether or not it caught the interrupt.
        "timed_out": timed_out,
        "ended": state["ended"],
        "provenance": recorded["provenance"],
        "refused": recorded["refused"],
    }
    return json_text(answer).encode("utf-8")


def run_portable(request: "dict[str, Any]") -> None:
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


def _portable_channel(request: "dict[str, Any]") -> "Callable[[bytes], NoReturn]":
    """Return the variant's deliver, taking its secret and exit status out of the request.

    The parent drew them and reads this variant's pipe itself; from here on they live
    only in the channel's closure.
    """
    result_fd = request.pop("result_fd", None)
    if request.get("result_handle") is not None:
        import msvcrt

        # Only Windows sends a handle; typeshed has msvcrt's functions there alone.
        result_fd = msvcrt.open_osfhandle(request.pop("result_handle"), 0)  # type: ignore[attr-defined]
    elif os.name == "posix":
        result_fd = hide_descriptor(result_fd)
    return answer_channel(result_fd, request.pop("secret"), request.pop("status"))
