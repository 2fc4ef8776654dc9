"""Windows job objects for the portable tier: every process a variant starts is in its job,
killed with it, and its memory bounded; elsewhere a stand-in that is never used.
"""

from __future__ import annotations

import subprocess
import sys

if sys.platform == "win32":
    import ctypes
    from ctypes import wintypes

    class _BasicLimits(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class _IoCounters(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint64) for name in ("R", "W", "O", "RB", "WB", "OB")]

    class _ExtendedLimits(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", _BasicLimits),
            ("IoInfo", _IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    _KILL_ON_JOB_CLOSE = 0x2000
    _PROCESS_MEMORY = 0x100
    _EXTENDED_LIMIT_INFORMATION = 9

    class Job:
        """A Windows job object: every process the variant starts is in it, killed with it."""

        def __init__(self, memory: int) -> None:
            self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
            self.kernel32.CreateJobObjectW.restype = wintypes.HANDLE
            self.handle = self.kernel32.CreateJobObjectW(None, None)
            if not self.handle:
                raise ctypes.WinError(ctypes.get_last_error())
            info = _ExtendedLimits()
            info.BasicLimitInformation.LimitFlags = _KILL_ON_JOB_CLOSE | _PROCESS_MEMORY
            info.ProcessMemoryLimit = memory
            self.kernel32.SetInformationJobObject(
                wintypes.HANDLE(self.handle),
                _EXTENDED_LIMIT_INFORMATION,
                ctypes.byref(info),
                ctypes.sizeof(info),
            )

        def assign(self, process: subprocess.Popen[bytes]) -> None:
            """Put a process in the job."""
            handle = wintypes.HANDLE(int(process._handle))  # type: ignore[attr-defined]
            if not self.kernel32.AssignProcessToJobObject(wintypes.HANDLE(self.handle), handle):
                raise ctypes.WinError(ctypes.get_last_error())

        def kill(self) -> None:
            """Kill every process in the job."""
            if self.handle:
                self.kernel32.TerminateJobObject(wintypes.HANDLE(self.handle), 1)

        def close(self) -> None:
            """Close the job (which kills what is still in it)."""
            if self.handle:
                self.kernel32.CloseHandle(wintypes.HANDLE(self.handle))
                self.handle = None

else:

    class Job:
        """No job objects outside Windows: the process group does their work."""

        def __init__(self, memory: int) -> None:
            raise OSError("job objects exist only on Windows")

        def assign(self, process: subprocess.Popen[bytes]) -> None:
            """Never called outside Windows."""

        def kill(self) -> None:
            """Never called outside Windows."""

        def close(self) -> None:
            """Never called outside Windows."""
