"""The answer channel: how a variant's answer leaves its process, and how the harness
tells a genuine answer from anything else on the variant's pipe.

Learner code runs in the variant's process before the answer is sent, with the same
operating-system powers as the code that sends it: it can find the pipe (an fstat over
descriptors), write on it, and end the process. So an answer counts only when the
variant ended through ``deliver``, the one path the harness hands run_variant:

- a per-variant secret, drawn by the harness and kept only in the ``deliver`` closure
  (never in a global, a request, an attribute or a repr), opens the answer's frame;
- the frame says how many bytes follow, so that bytes written before or after it (a
  forged answer, a thread still writing) spoil it;
- ``deliver`` ends the process with a per-variant exit status the harness chose, so an
  answer followed by ``os._exit(0)`` or a signal counts for nothing;
- the pipe's write end sits at a high, random descriptor number, close-on-exec, so that
  neither a guess next to the standard streams nor a program the learner starts gets it.

The in-language barrier (the exercise's allowlist) keeps learner code away from frames,
closures and memory, where the secret could be read: this is the second line.

Standard library only and Python 3.10 compatible: the child runs this file as part of
the harness (grader/sandbox/bundle.py), and the grader imports it (the portable tier
checks its variants' frames itself).
"""

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import NoReturn

# The bytes that open a frame, the kinds of frame, and the size field after them.
SECRET_BYTES = 16
FRAME_ANSWER = b"A"
# The answer was larger than VARIANT_CAP: only this note is sent.
FRAME_OVERSIZED = b"O"
SIZE_BYTES = 8
FRAME_HEAD = SECRET_BYTES + 1 + SIZE_BYTES

# The most bytes one variant's answer may weigh (the harness's own caps keep a genuine
# answer far below it); a larger one is sent as FRAME_OVERSIZED.
VARIANT_CAP = 1_000_000

# What the harness makes of what arrived on a variant's pipe (RunMeta["answer"]).
ANSWER_GENUINE = "genuine"
ANSWER_GARBLED = "garbled"
ANSWER_OVERSIZED = "oversized"
ANSWER_NONE = "none"

# The exit statuses a variant's genuine end is drawn from: clear of 0, 1 and 2 (what
# programs exit with), and of the statuses the harness and Python use themselves.
_STATUS_BASE = 32
_STATUS_SPAN = 64

# Where the answer descriptor is moved to, far from the standard streams and from the
# numbers a process hands out first.
_HIGH_FD_BASE = 200
_HIGH_FD_SPAN = 800


def new_ending() -> "tuple[bytes, int]":
    """Draw a variant's secret and the exit status of its genuine end."""
    secret = os.urandom(SECRET_BYTES)
    status = _STATUS_BASE + os.urandom(1)[0] % _STATUS_SPAN
    return secret, status


def hide_descriptor(fd: int) -> int:
    """Move a descriptor to a random high number, close-on-exec; return the new number.

    Called before the descriptor limit is lowered; keeps the old number if no high one
    can be had.
    """
    for _ in range(8):
        target = _HIGH_FD_BASE + os.urandom(2)[0] % _HIGH_FD_SPAN
        try:
            os.fstat(target)
            continue  # taken
        except OSError:
            pass
        try:
            os.dup2(fd, target, inheritable=False)
        except OSError:
            break
        os.close(fd)
        return target
    os.set_inheritable(fd, False)
    return fd


def answer_channel(write_fd: int, secret: bytes, status: int) -> "Callable[[bytes], NoReturn]":
    """Return ``deliver``: send a variant's answer in a frame opened by secret, then exit
    with status. It never returns.

    The secret and the status live only in the closure's cells. What the closure calls
    is bound now, before any learner code runs, so that rebinding ``os.write`` later
    changes nothing. A process the learner's code forked runs this too when its copy of
    the program ends; it leaves without a word, so that its answer never mixes with the
    variant's own.
    """
    write = os.write
    leave = os._exit
    getpid = os.getpid
    owner = getpid()

    def deliver(data: bytes) -> "NoReturn":
        if getpid() != owner:
            leave(0)
        if len(data) > VARIANT_CAP:
            frame = secret + FRAME_OVERSIZED + bytes(SIZE_BYTES)
        else:
            frame = secret + FRAME_ANSWER + len(data).to_bytes(SIZE_BYTES, "big") + data
        view = memoryview(frame)
        while view:
            try:
                written = write(write_fd, view[:65536])
            except InterruptedError:
                continue
            except OSError:
                break
            view = view[written:]
        leave(status)

    return deliver


def unframe(
    data: bytes, secret: bytes, status: int, exit_code: "int | None"
) -> "tuple[str, bytes]":
    """Judge what arrived on a variant's pipe; return one of the ANSWER_ words and the answer.

    ``exit_code`` is how the variant's process ended (os.waitstatus_to_exitcode). Only a
    process that ended with the drawn status went through ``deliver``: anything else
    (``os._exit``, a signal, an exception that escaped) is ANSWER_NONE, whatever it wrote.
    Through ``deliver``, the pipe must hold exactly one frame opened by the secret.
    """
    if exit_code != status:
        return ANSWER_NONE, b""
    if len(data) < FRAME_HEAD or data[:SECRET_BYTES] != secret:
        return ANSWER_GARBLED, b""
    kind = data[SECRET_BYTES : SECRET_BYTES + 1]
    size = int.from_bytes(data[SECRET_BYTES + 1 : FRAME_HEAD], "big")
    if kind == FRAME_OVERSIZED and size == 0 and len(data) == FRAME_HEAD:
        return ANSWER_OVERSIZED, b""
    if kind == FRAME_ANSWER and size == len(data) - FRAME_HEAD and size <= VARIANT_CAP:
        return ANSWER_GENUINE, data[FRAME_HEAD:]
    return ANSWER_GARBLED, b""
