"""The harness that runs inside the child process, around the learner's code.

It is started as ``python -I -S -c <this file's text>`` and uses the standard library
only (and stays Python 3.10 compatible), so it works with whatever interpreter the
parent picks for the child. It reads one JSON request on stdin (the cells to run, the
variants, the limits), then points stdin at /dev/null.

Before any learner code runs, the harness hardens itself: no new privileges (so sudo
and setuid programs cannot raise privileges), not dumpable (so the learner's code,
running as the same user, can neither ptrace it nor open its file descriptors through
/proc), a child subreaper (so processes that escape with setsid or a double fork stay
its descendants and can be swept), and first in line for the OOM killer. In the
process tier it then installs the parent's syscall filter (grader/seccomp.py: no
sockets, ptrace, namespaces, SysV IPC, keys, mounts, bpf, perf or io_uring), which
every process it forks inherits; in the bwrap tier bubblewrap has installed it already.

Each variant of the program runs in a forked process of its own, so variants cannot see
each other's state. That process closes every descriptor but its own answer pipe,
lowers the process count limit, locks itself down with Landlock when the kernel has it
(read-only file system outside its folder, no TCP, no signals to processes outside),
and then runs the learner's cells. It sends back plain data (every value converted to
builtin types with its exact type written down) on its pipe.

The harness collects the variants, kills whatever they left running, and sends one JSON
answer, tagged with the request's nonce, on a file descriptor that is not stdout. Only
this process writes there, and no learner code ever runs in it.
"""

import _signal as signal  # the C module: `signal` would import enum, and enum re
import builtins
import io
import marshal
import os
import select
import struct
import sys
import time

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

# prctl options (linux/prctl.h).
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Namespaces, mounts and keyrings (linux/sched.h, linux/mount.h, linux/keyctl.h).
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 0x4000, 1 << 18
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "i686": 288, "armv7l": 311}
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR = 1, 7
KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING = -4, -5

# Landlock (linux/landlock.h). The syscall numbers are the same on every architecture.
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
# The rights that make sense on a file rather than a folder.
FS_FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
FS_READ_RIGHTS = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR


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
        # A closed stdout behaves as a real one does: printing to it is an error, so
        # closing it cannot hide what the program prints afterwards.
        if self.closed:
            raise ValueError("I/O operation on closed file.")
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

# What a string needs escaped to be JSON text that is also plain ASCII: quotes, the
# backslash, control characters and the surrogates (which UTF-8 cannot carry).
_JSON_ESCAPES = {
    code: f"\\u{code:04x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *range(0xD800, 0xE000))
}
_JSON_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\"})


def _json(value):
    """Write builtin data as JSON text (the json module costs a child milliseconds to import).

    Dict keys become strings; a float that JSON cannot carry becomes null.
    """
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if value - value == 0 else "null"
    if kind is str:
        return '"' + value.translate(_JSON_ESCAPES) + '"'
    if kind is dict:
        return (
            "{"
            + ",".join(_json(str(key)) + ":" + _json(item) for key, item in dict.items(value))
            + "}"
        )
    if kind in (list, tuple):
        return "[" + ",".join(_json(item) for item in value) + "]"
    return _json(str(value))


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
        (
            name
            for name in bases[1:]
            if name in ("bool", "int", "float", "str", "dict", "list", "tuple", "set")
        ),
        None,
    )
    return {
        "type": type.__dict__["__name__"].__get__(kind),
        "module": str(type.__dict__["__module__"].__get__(kind))
        if "__module__" in type.__dict__
        else "",
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
    if type(message) is not str:
        message = ""
    record = {
        "type": type.__dict__["__name__"].__get__(type(exception)),
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


def _run_variant(request, overrides, write_fd):
    """Run the learner's cells once, with these overrides, and send back what happened."""
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
        raise _Timeout()

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
                errors.append(_error(error, [number]))
                if script:
                    break
                continue
            except (MemoryError, RecursionError):
                errors.append(
                    _error(
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
            except _Timeout as error:
                # The harness's own record says what stopped the program; the class's
                # name does not (the learner can define a class of the same name).
                timed_out = True
                errors.append(_error(error, [number]))
                errors[-1]["limit"] = "timeout"
                break
            except _OutputLimit as error:
                ended = "output-limit"
                errors.append(_error(error, [number]))
                errors[-1]["limit"] = "output"
                break
            except SystemExit as error:
                code_value = error.code
                ended = "sys.exit"
                errors.append(_error(error, [number]))
                errors[-1]["exit_code"] = code_value if type(code_value) in (int, type(None)) else 1
                break
            except Exception as error:
                errors.append(_error(error, [number]))
                if script:
                    break
            except BaseException as error:
                # KeyboardInterrupt, GeneratorExit or a BaseException of the learner's:
                # a way to end the program early, like sys.exit, not a mistake in a cell.
                ended = "interrupted"
                errors.append(_error(error, [number]))
                break
    except _Timeout:
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
        data = _json(answer).encode("utf-8")
    except BaseException as error:
        data = _json({"overrides": overrides, "broken": type(error).__name__}).encode("utf-8")
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


def _apply_limits(limits, names):
    """Lower some resource limits, soft and hard, so the learner's code cannot raise them."""
    import resource

    for name in names:
        which = getattr(resource, name, None)
        value = limits.get(name)
        if which is None or value is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError, OverflowError):
            pass


def _libc():
    """Return libc through ctypes, or None where ctypes is missing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        return libc
    except Exception:
        return None


def _prctl(libc, option, value):
    """Call prctl(option, value); return whether it worked."""
    if libc is None:
        return False
    import ctypes

    return (
        libc.prctl(
            option, ctypes.c_ulong(value), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)
        )
        == 0
    )


def _enter(libc, enter):
    """Started as root: take private mounts and IPC, then become the child's own uid.

    In a mount namespace of its own, /tmp, /var/tmp, /dev/shm and the child's folder
    are fresh tmpfs limited in size and in files, so whatever the learner's code makes
    costs nothing to remove: it goes with the namespace. System V IPC objects live and
    die in the IPC namespace. Where the kernel or the container refuses (no
    CAP_SYS_ADMIN), the parent sweeps instead. Return which of these hold.
    """
    held = {"mount_ns": False, "ipc_ns": False}
    home = os.getcwd()
    if libc is not None and libc.unshare(CLONE_NEWNS | CLONE_NEWIPC) == 0:
        held["ipc_ns"] = True
        try:
            held["mount_ns"] = _private_folders(libc, enter, home)
        except OSError:
            pass  # the folders that could not be covered stay the machine's; swept after
    try:
        os.setgroups([])
        os.setgid(enter["gid"])
        os.setuid(enter["uid"])
    except OSError:
        _exit(70)  # never run learner code as root
    if os.getuid() != enter["uid"] or os.geteuid() != enter["uid"]:
        _exit(70)
    held["keyring"] = _keyrings(libc, fresh=True)
    return held


def _private_folders(libc, enter, home):
    """Cover /tmp, /var/tmp, /dev/shm and the child's folder with fresh, limited tmpfs."""
    # Until mounts are private, a mount here would show on the whole machine.
    if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        return False
    files = {}
    for name in os.listdir(home):
        path = os.path.join(home, name)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, "rb") as handle:
                files[name] = handle.read()
    size = f"size={enter['disk_bytes']},nr_inodes={enter['inodes']}"
    flags = MS_NOSUID | MS_NODEV
    for folder in ("/tmp", "/var/tmp", "/dev/shm"):
        if os.path.isdir(folder):
            libc.mount(b"tmpfs", folder.encode(), b"tmpfs", flags, (size + ",mode=1777").encode())
    os.makedirs(home, 0o755, exist_ok=True)
    options = f"{size},mode=700,uid={enter['uid']},gid={enter['gid']}".encode()
    if libc.mount(b"tmpfs", home.encode(), b"tmpfs", flags, options) != 0:
        return False
    os.chdir(home)
    for name, data in files.items():
        with open(name, "wb") as handle:
            handle.write(data)
        os.chown(name, enter["uid"], enter["gid"])
    return True


def _keyrings(libc, fresh=False):
    """Clear the uid's own keyrings (they outlive its processes); a fresh session keyring."""
    number = SYS_KEYCTL.get(os.uname().machine)
    if libc is None or number is None:
        return False
    import ctypes

    def keyctl(*args):
        return libc.syscall(*(ctypes.c_long(arg) for arg in (number, *args)))

    if fresh and keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0) < 0:
        return False
    cleared = [
        keyctl(KEYCTL_CLEAR, which) == 0
        for which in (KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING)
    ]
    return all(cleared)


def _harden(libc):
    """Harden the harness before it forks anything; return which layers hold."""
    layers = {
        "no_new_privs": _prctl(libc, PR_SET_NO_NEW_PRIVS, 1),
        "not_dumpable": _prctl(libc, PR_SET_DUMPABLE, 0),
        "subreaper": _prctl(libc, PR_SET_CHILD_SUBREAPER, 1),
    }
    # Die with the grader: a harness left behind would keep the learner's code running.
    _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
        layers["oom_first"] = True
    except OSError:
        layers["oom_first"] = False
    layers["landlock"] = _landlock_abi(libc)
    return layers


def _seccomp(libc, program):
    """Install the parent's syscall filter on the harness and all it forks; return whether it did.

    The filter (the bytes of a ``struct sock_filter`` array, see grader/seccomp.py) needs
    no new privileges, which _harden has set.
    """
    if libc is None or not program:
        return False
    import ctypes

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _Program(len(program) // 8, ctypes.addressof(buffer))
    return (
        libc.prctl(
            PR_SET_SECCOMP,
            ctypes.c_ulong(SECCOMP_MODE_FILTER),
            ctypes.byref(fprog),
            ctypes.c_ulong(0),
            ctypes.c_ulong(0),
        )
        == 0
    )


def _seccomp_filters():
    """Return how many seccomp filters this process runs under, or -1 if the kernel won't say."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"Seccomp_filters:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return -1


def _landlock_abi(libc):
    """Return the kernel's Landlock ABI version, or 0 when it has none."""
    if libc is None:
        return 0
    import ctypes

    abi = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        None,
        ctypes.c_long(0),
        ctypes.c_long(LANDLOCK_CREATE_RULESET_VERSION),
    )
    return abi if abi > 0 else 0


def _landlock(libc, abi, rules):
    """Lock this process down: read-only below some paths, read-write below others.

    Nothing outside those paths can be read or written, TCP is refused (ABI 4) and so
    are signals and abstract sockets to processes outside (ABI 6). Return the ABI
    applied, or 0 if the kernel refused.
    """
    if libc is None or abi < 1 or not rules:
        return 0
    import ctypes

    handled = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}.get(
        abi, (1 << 16) - 1
    )
    if abi >= 6:
        attr = struct.pack("=QQQ", handled, 3, 3)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled, 3)
    else:
        attr = struct.pack("=Q", handled)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    ruleset = libc.syscall(
        ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
        buffer,
        ctypes.c_long(len(attr)),
        ctypes.c_long(0),
    )
    if ruleset < 0:
        return 0
    try:
        for path, writable in rules:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path this machine does not have
            try:
                access = handled if writable else FS_READ_RIGHTS
                if not os.path.isdir(path):
                    access &= FS_FILE_RIGHTS
                rule = ctypes.create_string_buffer(struct.pack("=Qi", access & handled, fd), 12)
                libc.syscall(
                    ctypes.c_long(SYS_LANDLOCK_ADD_RULE),
                    ctypes.c_long(ruleset),
                    ctypes.c_long(LANDLOCK_RULE_PATH_BENEATH),
                    rule,
                    ctypes.c_long(0),
                )
            finally:
                os.close(fd)
        if (
            libc.syscall(
                ctypes.c_long(SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_long(ruleset), ctypes.c_long(0)
            )
            != 0
        ):
            return 0
        return abi
    finally:
        os.close(ruleset)


def _variant_folders(count):
    """Give each variant a folder of its own with a copy of the child's files.

    Variants run at the same time: in one shared folder, a program that writes files
    would trip over its own other runs.
    """
    home = os.getcwd()
    try:
        originals = [name for name in os.listdir(home) if os.path.isfile(os.path.join(home, name))]
        folders = []
        for index in range(count):
            folder = os.path.join(home, f"run-{index}")
            os.mkdir(folder, 0o700)
            for name in originals:
                with (
                    open(os.path.join(home, name), "rb") as source,
                    open(os.path.join(folder, name), "wb") as copy,
                ):
                    copy.write(source.read())
            folders.append(folder)
        return folders
    except OSError:
        return [home] * count


def _enter_variant(request, write_fd, harness, libc, layers, folder):
    """Prepare a freshly forked variant process for the learner's code."""
    # A variant dies with the harness, so killing the harness ends every variant.
    _prctl(libc, PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != harness:
        _exit(0)
    os.chdir(folder)
    os.environ["HOME"] = os.environ["TMPDIR"] = folder
    # Only the answer pipe stays open: not the other variants' pipes, not the harness's.
    os.closerange(3, write_fd)
    os.closerange(write_fd + 1, 4096)
    # Counted per user, and the harness needs its own forks; so it is set here.
    _apply_limits(request["limits"], ("RLIMIT_NPROC",))
    landlock = request.get("landlock")
    if landlock:
        rules = [(path, False) for path in landlock.get("read", [])]
        for path in (sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)):
            rules.append((path, False))
        rules.extend((path, True) for path in landlock.get("write", []))
        _landlock(libc, layers["landlock"], rules)


def _descendants():
    """Return every live descendant of this process, from one scan of /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[0] not in (b"Z", b"X"):
            children.setdefault(int(fields[1]), []).append(int(entry))
    found = []
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _sweep(kill_all):
    """Kill every process the learner's code left behind, until none is left.

    The harness is a child subreaper, so a process that escaped with setsid or a double
    fork is still its descendant: once it has no children left, nothing of the learner's
    runs any more. ``kill_all`` means the harness is alone with the learner's code in
    its user or PID namespace, where ``kill(-1)`` reaches exactly those processes, all
    at once (a fork bomb cannot outrun it). Otherwise the whole tree is stopped, then
    killed, round after round. There is no giving up here: the parent's deadline bounds
    this, and while the harness lives, nothing can leave its tree.
    """
    if kill_all and os.getuid() != 0:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        family = _descendants()
        for number in (signal.SIGSTOP, signal.SIGKILL):
            for child in family:
                try:
                    os.kill(child, number)
                except OSError:
                    pass
        time.sleep(0.001)


def _drain(fd, child):
    """Read what a variant that has exited left in its pipe, without waiting for more."""
    os.set_blocking(fd, False)
    while child["size"] <= MAX_ANSWER:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, InterruptedError):
            return
        if not chunk:
            return
        child["size"] += len(chunk)
        child["chunks"].append(chunk)


def _collect(children, deadline):
    """Read every variant's answer until each is done or the time is up.

    A variant is done when its pipe ends or when it exits (seen through a pidfd): the
    learner's code may fork a process that keeps the pipe open, and that must not make
    a finished variant look like one that ran out of time.
    """
    by_fd = {}
    for child in children:
        by_fd[child["read_fd"]] = child
        if child["pidfd"] is not None:
            by_fd[child["pidfd"]] = child
    while any(not child["done"] for child in children):
        left = deadline - _monotonic()
        if left <= 0:
            break
        watched = [fd for fd, child in by_fd.items() if not child["done"]]
        ready, _, _ = select.select(watched, [], [], left)
        for fd in ready:
            child = by_fd[fd]
            if child["done"]:
                continue
            if fd == child["pidfd"]:
                _drain(child["read_fd"], child)
                child["done"] = True
                continue
            chunk = os.read(fd, 65536)
            if not chunk or child["size"] > MAX_ANSWER:
                child["done"] = True
                continue
            child["size"] += len(chunk)
            child["chunks"].append(chunk)


def _pidfd(pid):
    """Return a descriptor that becomes readable when the process exits, if the kernel has one."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _portable(request):
    """Run the request's one variant in this very process: the portable tier.

    No fork, no prctl, no /proc: the parent started one interpreter per variant, in its
    own folder, and is the one that watches the time and kills what is left.
    """
    try:
        _apply_limits(request.get("limits", {}), list(request.get("limits", {})))
    except ImportError:
        pass  # no resource module (Windows): the parent's job object limits memory
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    result_fd = request.get("result_fd")
    if request.get("result_handle") is not None:
        import msvcrt

        result_fd = msvcrt.open_osfhandle(request["result_handle"], 0)
    _run_variant(request, request["variants"][0], result_fd)


def main():
    # The request is the parent's own data, so marshal (built in, nothing to import) is
    # safe here; the answer goes back as JSON, which the parent can read safely.
    request = marshal.loads(sys.stdin.buffer.read())
    if request.get("portable"):
        _portable(request)
        return
    libc = _libc()
    entered = _enter(libc, request["enter"]) if request.get("enter") else {}
    layers = _harden(libc)
    if layers["no_new_privs"]:
        layers["seccomp"] = _seccomp(libc, request.get("seccomp"))
    layers["seccomp_filters"] = _seccomp_filters()
    layers.update(entered)
    limits = request.get("limits", {})
    _apply_limits(limits, [name for name in limits if name != "RLIMIT_NPROC"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    result_fd = request["result_fd"]
    deadline = _monotonic() + request["budget"]
    harness = os.getpid()
    children = []
    folders = _variant_folders(len(request["variants"]))
    for index, overrides in enumerate(request["variants"]):
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            children.append(
                {
                    "pid": None,
                    "index": index,
                    "read_fd": None,
                    "pidfd": None,
                    "chunks": [],
                    "size": 0,
                    "done": True,
                }
            )
            continue
        if pid == 0:
            try:
                _enter_variant(request, write_fd, harness, libc, layers, folders[index])
                _run_variant(request, overrides, write_fd)
            finally:
                _exit(0)
        os.close(write_fd)
        children.append(
            {
                "pid": pid,
                "index": index,
                "read_fd": read_fd,
                "pidfd": _pidfd(pid),
                "chunks": [],
                "size": 0,
                "done": False,
            }
        )
    _collect([child for child in children if child["pid"] is not None], deadline)
    runs = []
    payloads = []
    for child in children:
        status = None
        if child["pid"] is not None:
            if not child["done"]:
                try:
                    os.kill(child["pid"], signal.SIGKILL)
                except OSError:
                    pass
            _, status = os.waitpid(child["pid"], 0)
            for fd in (child["read_fd"], child["pidfd"]):
                if fd is not None:
                    os.close(fd)
        # The variant's bytes go to the parent untouched, framed by their size: the
        # harness never parses what the learner's process wrote.
        payload = (
            b"".join(child["chunks"]) if child["done"] and child["size"] <= MAX_ANSWER else b""
        )
        runs.append(
            {
                "size": len(payload),
                "timed_out": not child["done"],
                "exit_status": None if status is None else os.waitstatus_to_exitcode(status),
            }
        )
        payloads.append(payload)
    # The answer goes first, so that a slow sweep cannot cost the program its verdict;
    # one more byte says the sweep is done, and the pipe closes after it.
    header = _json({"nonce": request["nonce"], "runs": runs, "layers": layers})
    _write_all(result_fd, header.encode("utf-8") + b"\n" + b"".join(payloads))
    _sweep(request.get("sweep_all", False))
    if entered:
        _keyrings(libc)
    _write_all(result_fd, b"S")
    os.close(result_fd)


def _write_all(fd, data):
    """Write all of data to a descriptor."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


main()
