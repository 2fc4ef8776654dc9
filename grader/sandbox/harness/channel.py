"""The answer channel: how a variant's answer leaves its process, and how that process ends.

Learner code runs in the variant's process before the answer is sent, so this is the
one place that decides what a genuine answer looks like to the harness.
"""

TYPE_CHECKING = False
if TYPE_CHECKING:  # in the child, the files share one namespace (grader/sandbox/bundle.py)
    from grader.sandbox.harness.encode import hard_exit, raw_write


def send_answer(write_fd, data):
    """Write a variant's answer on its pipe and end its process: the one way a run answers.

    Returned by ``answer_channel`` as the ``deliver`` of run_variant. It never returns.
    """
    view = memoryview(data)
    while view:
        try:
            written = raw_write(write_fd, view[:65536])
        except InterruptedError:
            continue
        except OSError:
            break
        view = view[written:]
    hard_exit(0)


def answer_channel(write_fd):
    """Return the function that sends a variant's answer on write_fd and ends the process."""

    def deliver(data):
        send_answer(write_fd, data)

    return deliver
