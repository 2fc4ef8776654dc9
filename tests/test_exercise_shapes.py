"""Whole programs whose shape a rewrite of the samples cannot express, and their verdicts.

Each program is written the way a learner might, and carries the verdict of each step a
teacher reading the exercise would give: a step code where it must fail, None where it
must pass. They are graded together, in one batch, as a folder is.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.grade import Options, Submission, grade
from grader.result import Result
from tests.conftest import TEST_TIMEOUT

START = """\
systems = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
load = 7
"""

# name -> (the program after START, the step 3 code it must get or None to pass).
PROGRAMS: dict[str, tuple[str, str | None]] = {
    "helper-handed-the-items": (
        """
        def evaluate(pairs, limit):
            result = {}
            for strategy, capacity in pairs:
                result[strategy] = capacity >= limit
            return result

        can_handle_load = evaluate(systems.items(), load)
        print(can_handle_load)
        """,
        None,
    ),
    "helper-handed-the-items-compares-with-a-typed-load": (
        """
        def evaluate(pairs):
            result = {}
            for strategy, capacity in pairs:
                result[strategy] = capacity >= 7
            return result

        can_handle_load = evaluate(systems.items())
        print(can_handle_load)
        """,
        "step3.hardcoded",
    ),
    "helper-handed-the-keys": (
        """
        def evaluate(names, limit):
            result = {}
            for strategy in names:
                result[strategy] = systems[strategy] >= limit
            return result

        can_handle_load = evaluate(systems.keys(), load)
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
    "entry-stored-from-a-call-with-no-arguments": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = (lambda c=capacity, l=load: not c < l)()
        print(can_handle_load)
        """,
        None,
    ),
    "dictionary-made-again-with-dict-inside-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load = dict()
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.reset-in-loop",
    ),
    "loop-over-a-second-name-for-systems": (
        """
        capacities = systems
        can_handle_load = {}
        for strategy, capacity in capacities.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "helper-whose-defaults-are-systems-and-load": (
        """
        def evaluate(capacities=systems, limit=load):
            result = {}
            for strategy, capacity in capacities.items():
                result[strategy] = capacity >= limit
            return result

        can_handle_load = evaluate()
        print(can_handle_load)
        """,
        None,
    ),
    "class-that-keeps-systems-as-an-attribute": (
        """
        class Planner:
            def __init__(self, capacities, limit):
                self.capacities = capacities
                self.limit = limit

            def evaluate(self):
                result = {}
                for strategy, capacity in self.capacities.items():
                    result[strategy] = capacity >= self.limit
                return result

        can_handle_load = Planner(systems, load).evaluate()
        print(can_handle_load)
        """,
        None,
    ),
    "class-that-keeps-systems-compares-with-a-typed-load": (
        """
        class Planner:
            def __init__(self, capacities, limit):
                self.capacities = capacities
                self.limit = limit

            def evaluate(self):
                result = {}
                for strategy, capacity in self.capacities.items():
                    result[strategy] = capacity >= 7
                return result

        can_handle_load = Planner(systems, load).evaluate()
        print(can_handle_load)
        """,
        "step3.hardcoded",
    ),
    "loop-over-capacities-typed-again": (
        """
        sizes = {'single_node': 1, 'horizontal_scaling': 5, 'vertical_scaling': 2}
        can_handle_load = {}
        for strategy, capacity in sizes.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.no-loop",
    ),
    "loop-over-the-dictionary-itself": (
        """
        can_handle_load = {}
        for strategy in systems:
            capacity = systems[strategy]
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
}

# A self-check that holds only for the exercise's own values stops the runs with other
# values after the result is final: those runs are judged on the values they made.
# name -> (the program after START, the step 3 code it must get or None to pass).
SELF_CHECKS: dict[str, tuple[str, str | None]] = {
    "self-check-of-the-result-at-the-end": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        assert can_handle_load == {
            'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False
        }
        """,
        None,
    ),
    "self-check-of-systems-at-the-end": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        assert systems['horizontal_scaling'] == 5
        """,
        None,
    ),
    "self-check-in-a-test-function-called-at-the-end": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)

        def test_results():
            expected = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
            assert can_handle_load == expected

        test_results()
        """,
        None,
    ),
    "self-check-that-raises-at-the-end": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        if any(can_handle_load.values()):
            raise ValueError('no strategy should cope with this load')
        """,
        None,
    ),
    "self-check-in-a-method-of-a-test-class-at-the-end": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)

        class Checks:
            def run(self):
                assert can_handle_load['horizontal_scaling'] is False

        Checks().run()
        """,
        None,
    ),
    "self-check-at-the-end-of-a-loop-with-a-typed-load": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= 7
        print(can_handle_load)
        assert can_handle_load == {
            'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False
        }
        """,
        "step3.hardcoded",
    ),
    "self-check-before-the-loop": (
        """
        assert load == 7
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.fails-other-load",
    ),
    "self-check-in-the-helper-that-writes-each-entry": (
        """
        def record(strategy, capacity):
            assert load == 7
            can_handle_load[strategy] = capacity >= load

        can_handle_load = {}
        for strategy, capacity in systems.items():
            record(strategy, capacity)
        print(can_handle_load)
        """,
        "step3.fails-other-load",
    ),
}

# A function's own dictionary of the same name is another dictionary: only writes that
# reach the program's `can_handle_load` are judged.
# name -> (the program after START, the step 3 code it must get or None to pass).
LOCALS: dict[str, tuple[str, str | None]] = {
    "unused-helper-with-a-typed-dictionary-of-the-same-name": (
        """
        def first_try():
            can_handle_load = {'single_node': True, 'horizontal_scaling': True}
            return can_handle_load

        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "called-helper-that-keeps-its-typed-dictionary": (
        """
        def demo():
            can_handle_load = {'single_node': True}
            print('a demo:', can_handle_load)

        demo()
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "helper-hands-back-a-dictionary-written-by-hand": (
        """
        def build():
            can_handle_load = {
                'single_node': systems['single_node'] >= load,
                'horizontal_scaling': systems['horizontal_scaling'] >= load,
                'vertical_scaling': systems['vertical_scaling'] >= load,
            }
            return can_handle_load

        for strategy, capacity in systems.items():
            print(strategy, capacity)
        can_handle_load = build()
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "helper-declares-the-result-global-and-writes-it-by-hand": (
        """
        def fill():
            global can_handle_load
            can_handle_load = {
                'single_node': systems['single_node'] >= load,
                'horizontal_scaling': systems['horizontal_scaling'] >= load,
                'vertical_scaling': systems['vertical_scaling'] >= load,
            }

        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        fill()
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
}

# A loop that copies each entry from a table made before it computes nothing: a table
# written by hand (even of expressions that follow the variants), or one a comprehension,
# zip or a list made. A table the loop fills itself, or one read at a place the loop
# computes, is the loop's work.
# name -> (the program after START, the step 3 code it must get or None to pass).
TABLES: dict[str, tuple[str, str | None]] = {
    "loop-copies-a-table-of-expressions-written-by-hand": (
        """
        table = {
            'single_node': systems['single_node'] >= load,
            'horizontal_scaling': systems['horizontal_scaling'] >= load,
            'vertical_scaling': systems['vertical_scaling'] >= load,
        }
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = table[strategy]
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "loop-copies-a-table-made-by-a-comprehension": (
        """
        answers = {s: c >= load for s, c in systems.items()}
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = answers[strategy]
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "loop-copies-a-table-made-by-zip": (
        """
        answers = dict(zip(systems, [c >= load for c in systems.values()]))
        can_handle_load = {}
        for strategy, capacity in systems.items():
            answer = answers[strategy]
            can_handle_load[strategy] = answer
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "counted-loop-copies-a-list-of-answers": (
        """
        answers = [c >= load for c in systems.values()]
        can_handle_load = {}
        for i, (strategy, capacity) in enumerate(systems.items()):
            can_handle_load[strategy] = answers[i]
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "loop-fills-a-table-of-its-own-and-copies-from-it": (
        """
        checks = {}
        can_handle_load = {}
        for strategy, capacity in systems.items():
            checks[strategy] = capacity >= load
            can_handle_load[strategy] = checks[strategy]
        print(can_handle_load)
        """,
        None,
    ),
    "loop-picks-an-answer-by-its-comparison": (
        """
        answers = (False, True)
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = answers[capacity >= load]
        print(can_handle_load)
        """,
        None,
    ),
    "loop-reads-a-table-of-labels-only-to-print": (
        """
        labels = {'single_node': 'one machine', 'horizontal_scaling': 'more machines'}
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
            print(labels.get(strategy, strategy), can_handle_load[strategy])
        print(can_handle_load)
        """,
        None,
    ),
    "load-assigned-beside-a-dictionary": (
        """
        limits, load = {'single_node': 0}, 7
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
}


# A loop over `enumerate(systems.items())` yields each item with its count: the item
# still unpacks into `strategy, capacity`, and the loop is the one the step asks for.
# name -> (the program after START, the step 3 code it must get or None to pass).
COUNTED: dict[str, tuple[str, str | None]] = {
    "loop-counts-the-items": (
        """
        can_handle_load = {}
        for i, (strategy, capacity) in enumerate(systems.items()):
            can_handle_load[strategy] = capacity >= load
            print(f'{i + 1}. {strategy} checked')
        print(can_handle_load)
        """,
        None,
    ),
    "loop-counts-the-items-into-other-names": (
        """
        can_handle_load = {}
        for i, (name, size) in enumerate(systems.items()):
            can_handle_load[name] = size >= load
        print(can_handle_load)
        """,
        "step3.loop-names",
    ),
    "loop-counts-the-items-and-adds-the-count": (
        """
        can_handle_load = {}
        for i, (strategy, capacity) in enumerate(systems.items()):
            can_handle_load[strategy] = capacity + i >= load
        print(can_handle_load)
        """,
        "step3.wrong-values",
    ),
}

# The program also runs with other capacities at the exercise's load: an answer chosen
# by the load shows there, and so do numbers compared as text, which agree with numbers
# while all have one digit ("5" >= "7"), not across a power of ten ("10" >= "7").
# name -> (the program after START, the step 3 code it must get or None to pass).
AS_TEXT: dict[str, tuple[str, str | None]] = {
    "capacities-compared-as-text": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = str(capacity) >= str(load)
        print(can_handle_load)
        """,
        "step3.typed-capacities",
    ),
    "answer-chosen-by-the-load": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            if load == 7:
                can_handle_load[strategy] = False
            else:
                can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.typed-capacities",
    ),
    "capacities-read-back-from-text": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = int(str(capacity)) >= int(str(load))
        print(can_handle_load)
        """,
        None,
    ),
}

# One line of code may print several lines: each run's line is read in the same place
# among that line's output, not as the last thing the line printed.
# name -> (the program after START, the step 4 code it must get or None to pass).
SHARED_LINES: dict[str, tuple[str, str | None]] = {
    "print-then-a-blank-line-on-one-line": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load); print()
        """,
        None,
    ),
    "a-blank-line-then-the-print-on-one-line": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print('Results:'); print(can_handle_load)
        """,
        None,
    ),
    "a-blank-line-then-edited-text-on-one-line": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(); print(str(can_handle_load).replace('True', 'False'))
        """,
        "step4.print-not-result",
    ),
}

# A copy of the loop's dictionary keeps the loop's entries, however it is copied; a
# dictionary made again, and filled again by the loop (written out again, or a helper
# with the loop called after it), is the loop's too. What replaces the loop's entries
# with ones computed elsewhere is not.
# name -> (the program after START, the step 3 code it must get or None to pass).
COPIES: dict[str, tuple[str, str | None]] = {
    "comprehension-copy-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {k: v for k, v in can_handle_load.items()}
        print(can_handle_load)
        """,
        None,
    ),
    "comprehension-copy-through-bool-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {name: bool(ok) for name, ok in can_handle_load.items()}
        print(can_handle_load)
        """,
        None,
    ),
    "comprehension-copy-by-key-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {k: can_handle_load[k] for k in can_handle_load}
        print(can_handle_load)
        """,
        None,
    ),
    "comprehension-copy-of-the-capacities-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {k: systems[k] for k in can_handle_load}
        print(can_handle_load)
        """,
        "step3.not-bool",
    ),
    "comprehension-over-the-keys-computes-again-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {k: systems[k] >= load for k in can_handle_load}
        print(can_handle_load)
        """,
        "step3.comprehension",
    ),
    "loop-that-only-prints-then-a-copy-of-zipped-answers": (
        """
        for strategy, capacity in systems.items():
            print(strategy, capacity)
        can_handle_load = {s: ok for s, ok in zip(systems, [c >= load for c in systems.values()])}
        print(can_handle_load)
        """,
        "step3.comprehension",
    ),
    "whole-loop-written-twice": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "helper-fills-a-new-dictionary-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load

        def fill(result):
            for strategy, capacity in systems.items():
                result[strategy] = capacity >= load

        can_handle_load = {}
        fill(can_handle_load)
        print(can_handle_load)
        """,
        None,
    ),
    "helper-fills-the-global-dictionary-after-it-is-made-again": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load

        def fill():
            for strategy, capacity in systems.items():
                can_handle_load[strategy] = capacity >= load

        can_handle_load = {}
        fill()
        print(can_handle_load)
        """,
        None,
    ),
    "helper-copies-typed-answers-into-a-new-dictionary-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load

        def fill(result):
            result.update(zip(systems, [False, False, False]))

        can_handle_load = {}
        fill(can_handle_load)
        print(can_handle_load)
        """,
        "step3.replaced-after-loop",
    ),
    "whole-loop-written-twice-then-replaced": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load = dict(zip(systems, [c >= load for c in systems.values()]))
        print(can_handle_load)
        """,
        "step3.replaced-after-loop",
    ),
}

# A loop around the print alone prints the finished dictionary, once or once a round (a
# number that is judged); a print in a loop that builds the dictionary is in the loop.
# name -> (the program after START, the step 4 code it must get or None to pass).
PRINT_LOOPS: dict[str, tuple[str, str | None]] = {
    "print-in-a-loop-of-one-round-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for _ in range(1):
            print(can_handle_load)
        """,
        None,
    ),
    "print-in-a-while-loop-that-breaks-after-it": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        while True:
            print(can_handle_load)
            break
        """,
        None,
    ),
    "whole-solution-in-a-loop-of-one-round": (
        """
        for _ in range(1):
            can_handle_load = {}
            for strategy, capacity in systems.items():
                can_handle_load[strategy] = capacity >= load
            print(can_handle_load)
        """,
        None,
    ),
    "print-in-a-loop-over-a-list-of-the-dictionary": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for shown in [can_handle_load]:
            print(can_handle_load)
        """,
        None,
    ),
    "print-of-the-name-a-loop-over-a-tuple-of-it-gives": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for shown in (can_handle_load,):
            print(shown)
        """,
        None,
    ),
    "print-of-the-name-a-loop-over-a-tuple-of-systems-gives": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for shown in (systems,):
            print(shown)
        """,
        "step4.print-systems",
    ),
    "print-in-a-loop-over-the-keys-of-the-dictionary": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for key in can_handle_load:
            print(can_handle_load)
        """,
        "step4.print-in-loop",
    ),
    "print-in-a-loop-of-three-rounds-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        for _ in range(3):
            print(can_handle_load)
        """,
        "step4.print-in-loop",
    ),
    "print-in-a-while-loop-that-fills-the-dictionary": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = None
        pending = list(can_handle_load)
        while pending:
            name = pending.pop()
            can_handle_load[name] = systems[name] >= load
            if not pending:
                print(can_handle_load)
        """,
        "step4.print-in-loop",
    ),
}

# A name bound to the dictionary's method stands for it: `items = systems.items` then
# `for strategy, capacity in items():` goes over `systems.items()`.
# name -> (the program after START, the step 3 code it must get or None to pass).
METHOD_NAMES: dict[str, tuple[str, str | None]] = {
    "loop-over-the-items-method-through-a-name": (
        """
        items = systems.items
        can_handle_load = {}
        for strategy, capacity in items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "loop-over-the-items-of-a-copy": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.copy().items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "loop-over-the-items-of-dict-of-it": (
        """
        can_handle_load = {}
        for strategy, capacity in dict(systems).items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "loop-over-the-keys-of-a-copy": (
        """
        can_handle_load = {}
        for strategy in systems.copy().keys():
            capacity = systems[strategy]
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
    "loop-over-the-keys-method-through-a-name": (
        """
        keys = systems.keys
        can_handle_load = {}
        for strategy in keys():
            capacity = systems[strategy]
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step3.not-items",
    ),
}

# What is not a plain dictionary may print as no literal (`defaultdict(...)`): its print
# alone waits for step 3; with other text on its line, the text is named.
# name -> (the program after START, the step 4 code it must get or None to pass).
NOT_PLAIN: dict[str, tuple[str, str | None]] = {
    "defaultdict-printed-alone": (
        """
        from collections import defaultdict
        can_handle_load = defaultdict(bool)
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        "step4.needs-step3",
    ),
    "defaultdict-printed-after-a-label": (
        """
        from collections import defaultdict
        can_handle_load = defaultdict(bool)
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print('Result:', can_handle_load)
        """,
        "step4.print-format",
    ),
}


# The comparison is inside the loop: a loop that only hands on answers decided before it
# (a table in a function's default argument, a generator, a list read by a counter)
# compares nothing; one that compares, itself or through a function or method of the
# program's that it calls, computes them.
# name -> (the program after START, the step 3 code it must get or None to pass).
COMPARED: dict[str, tuple[str, str | None]] = {
    "table-in-a-default-argument": (
        """
        def table(answers={s: c >= load for s, c in systems.items()}):
            return answers
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = table()[strategy]
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "function-that-compares-each-capacity": (
        """
        def handles(capacity):
            return capacity >= load
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = handles(capacity)
        print(can_handle_load)
        """,
        None,
    ),
    "generator-made-before-the-loop": (
        """
        answers = (c >= load for s, c in systems.items())
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = next(answers)
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "lambda-that-compares-each-capacity": (
        """
        handles = lambda capacity: capacity >= load
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = handles(capacity)
        print(can_handle_load)
        """,
        None,
    ),
    "list-read-by-a-counter": (
        """
        results = [c >= load for c in systems.values()]
        can_handle_load = {}
        i = 0
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = results[i]
            i += 1
        print(can_handle_load)
        """,
        "step3.not-from-loop",
    ),
    "method-that-compares-each-capacity": (
        """
        class Checker:
            def handles(self, capacity):
                return capacity >= load
        checker = Checker()
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = checker.handles(capacity)
        print(can_handle_load)
        """,
        None,
    ),
    "condition-in-the-loop-stores-constants": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            if capacity >= load:
                can_handle_load[strategy] = True
            else:
                can_handle_load[strategy] = False
        print(can_handle_load)
        """,
        None,
    ),
}

# Keys typed in before the loop as placeholders, each overwritten by the loop in every
# run, leave the loop's work; answers typed in that the loop leaves, or keys the loop
# reads from a list typed in, are written by hand.
# name -> (the program after START, the step 3 code it must get or None to pass).
TYPED_KEYS: dict[str, tuple[str, str | None]] = {
    "placeholders-typed-then-the-loop-writes-every-entry": (
        """
        can_handle_load = {'single_node': None, 'horizontal_scaling': None, 'vertical_scaling': None}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "answers-typed-then-the-loop-writes-only-true": (
        """
        can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
        for strategy, capacity in systems.items():
            if capacity >= load:
                can_handle_load[strategy] = True
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "answers-typed-then-made-again-empty-for-the-loop": (
        """
        can_handle_load = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
    "expressions-typed-then-the-loop-stores-them-again": (
        """
        can_handle_load = {
            'single_node': systems['single_node'] >= load,
            'horizontal_scaling': systems['horizontal_scaling'] >= load,
            'vertical_scaling': systems['vertical_scaling'] >= load,
        }
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = can_handle_load[strategy]
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "expressions-typed-then-a-helper-the-loop-calls-stores-them-again": (
        """
        can_handle_load = {
            'single_node': systems['single_node'] >= load,
            'horizontal_scaling': systems['horizontal_scaling'] >= load,
            'vertical_scaling': systems['vertical_scaling'] >= load,
        }

        def keep(name):
            can_handle_load[name] = can_handle_load[name]

        for strategy, capacity in systems.items():
            keep(strategy)
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "setdefault-of-a-key-the-loop-stored": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load.setdefault('single_node', True)
        print(can_handle_load)
        """,
        None,
    ),
    "setdefault-of-a-key-removed-after-the-loop": (
        """
        can_handle_load = {}
        for strategy, capacity in systems.items():
            can_handle_load[strategy] = capacity >= load
        can_handle_load.pop('single_node')
        can_handle_load.setdefault('single_node', systems['single_node'] >= load)
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "keys-read-from-a-list-typed-in": (
        """
        names = ['single_node', 'horizontal_scaling', 'vertical_scaling']
        can_handle_load = {}
        for i, (strategy, capacity) in enumerate(systems.items()):
            can_handle_load[names[i]] = capacity >= load
        print(can_handle_load)
        """,
        "step3.hand-written",
    ),
    "keys-read-from-a-list-of-the-keys-of-systems": (
        """
        names = list(systems)
        can_handle_load = {}
        for i, (strategy, capacity) in enumerate(systems.items()):
            can_handle_load[names[i]] = capacity >= load
        print(can_handle_load)
        """,
        None,
    ),
}

# The dictionary a function fills and returns into `can_handle_load` is it: printing it
# in the function, after its loop, prints `can_handle_load`.
# name -> (the program after START, the step 4 code it must get or None to pass).
RETURNED: dict[str, tuple[str, str | None]] = {
    "print-in-the-helper-of-the-dictionary-it-returns": (
        """
        def build():
            result = {}
            for strategy, capacity in systems.items():
                result[strategy] = capacity >= load
            print(result)
            return result

        can_handle_load = build()
        """,
        None,
    ),
    "print-in-the-helper-of-a-copy-it-typed-in": (
        """
        def build():
            result = {}
            for strategy, capacity in systems.items():
                result[strategy] = capacity >= load
            shown = {'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}
            print(shown)
            return result

        can_handle_load = build()
        """,
        "step4.print-literal",
    ),
}


@dataclass(frozen=True)
class Group:
    """Programs that state one principle, and the step whose code each must get."""

    principle: str
    step: int
    programs: dict[str, tuple[str, str | None]]


GROUPS = {
    "loop-that-stands-for-the-asked-one": Group(
        "A loop over what stands for `systems.items()` is that loop, and is judged as it.",
        3,
        PROGRAMS,
    ),
    "self-checks": Group(
        "An error raised once nothing can change the result any more leaves the result as "
        "the run made it; an error before, or in code that writes it, breaks the run.",
        3,
        SELF_CHECKS,
    ),
    "locals": Group(
        "A function's local dictionary of the same name is judged only when it becomes the "
        "program's (returned into it, or declared global).",
        3,
        LOCALS,
    ),
    "tables": Group(
        "An entry stored from `table[strategy]`, where the table was made before the loop, "
        "was computed elsewhere; a table the loop fills, or reads at a computed place, or "
        "one the stored value does not read, is not.",
        3,
        TABLES,
    ),
    "counted": Group(
        "`for i, (strategy, capacity) in enumerate(systems.items())` is the asked loop; its "
        "items' names and the values it stores are judged as in the plain loop.",
        3,
        COUNTED,
    ),
    "as-text": Group(
        "`str(capacity) >= str(load)` is wrong across a power of ten, and an answer chosen "
        "by the load is wrong at other capacities: both fail; numbers read back pass.",
        3,
        AS_TEXT,
    ),
    "shared-lines": Group(
        "A blank line or a label printed by the same line of code as the dictionary is not "
        "what the print showed; text edited from the dictionary is.",
        4,
        SHARED_LINES,
    ),
    "copies": Group(
        "A comprehension that only copies the loop's entries, or a dictionary made again "
        "and filled again by the loop, holds the loop's work; one computed again outside "
        "the loop, or made after the last loop, does not.",
        3,
        COPIES,
    ),
    "print-loops": Group(
        "A print is in the loop when the loop builds the dictionary; a loop around the "
        "print alone, or around a whole solution, is judged by how many times it printed.",
        4,
        PRINT_LOOPS,
    ),
    "method-names": Group(
        "A name bound to `systems.items` called in the loop's header is `systems.items()`.",
        3,
        METHOD_NAMES,
    ),
    "typed-keys": Group(
        "A write that types keys in fails only when it left an entry the program ends "
        "with, in some run; keys the loop reads from a list typed in are typed in.",
        3,
        TYPED_KEYS,
    ),
    "returned": Group(
        "The dictionary a function returns into `can_handle_load` is it, under its local name.",
        4,
        RETURNED,
    ),
    "not-plain": Group(
        "A result that is not a plain dictionary, printed alone, waits for step 3.",
        4,
        NOT_PLAIN,
    ),
    "compared": Group(
        "The comparison that decides each answer runs inside the loop (or in a function "
        "or method of the program's it calls); answers decided before it and handed on fail.",
        3,
        COMPARED,
    ),
}
CASES = [(group, name) for group, g in GROUPS.items() for name in g.programs]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Grade every program in one batch."""
    folder: Path = tmp_path_factory.mktemp("shapes")
    submissions = []
    for _, name in CASES:
        body, _ = next(g.programs[name] for g in GROUPS.values() if name in g.programs)
        path = folder / f"{name}.py"
        path.write_text(START + textwrap.dedent(body), encoding="utf-8")
        submissions.append(Submission(path.name, path))
    report = grade(submissions, Options(timeout=TEST_TIMEOUT, jobs=2))
    return {Path(r.submission).stem: r for r in report.results}


@pytest.mark.parametrize(("group", "name"), CASES, ids=[f"{g}:{n}" for g, n in CASES])
def test_each_program_gets_the_verdict_its_principle_gives(
    group: str, name: str, results: dict[str, Result]
) -> None:
    """Each group's programs get the code (or the pass) its principle gives, at its step."""
    rule = GROUPS[group]
    step = results[name].steps[rule.step - 1]
    assert step.code == rule.programs[name][1], f"{rule.principle}\n{step.message}"
