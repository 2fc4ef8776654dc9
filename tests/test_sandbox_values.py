"""Decoding the child's data: exact types survive, and nothing of the learner's is called."""

from __future__ import annotations

from grader.sandbox.values import Opaque, decode, describe, same


def test_a_bool_is_not_an_int_and_an_int_is_not_a_float() -> None:
    """True, 1 and 1.0 decode to three values that are not the same."""
    values = [
        decode({"type": t, "value": v}) for t, v in (("bool", True), ("int", 1), ("float", 1.0))
    ]
    assert [same(values[0], values[1]), same(values[1], values[2])] == [False, False]


def test_a_dict_decodes_with_its_key_order_and_compares_without_it() -> None:
    """Dict order is kept for showing, and ignored for comparing."""
    one = decode(
        {
            "type": "dict",
            "items": [
                [{"type": "str", "value": "a"}, {"type": "int", "value": 1}],
                [{"type": "str", "value": "b"}, {"type": "int", "value": 2}],
            ],
        }
    )
    two = {"b": 2, "a": 1}
    assert (list(one), same(one, two)) == (["a", "b"], True)


def test_an_object_of_the_learners_type_stays_opaque() -> None:
    """A learner's class decodes to a marker that equals nothing builtin."""
    value = decode({"type": "AlwaysEqual", "base": None})
    assert (isinstance(value, Opaque), same(value, 7), describe(value)) == (
        True,
        False,
        "an object of type AlwaysEqual",
    )


def test_a_subclass_of_int_is_described_as_such() -> None:
    """An int subclass is named with its base, so the learner sees why it is wrong."""
    assert (
        describe(decode({"type": "MyInt", "base": "int"}))
        == "an object of type MyInt (a subclass of int)"
    )


def test_malformed_data_decodes_to_an_opaque_marker() -> None:
    """Data of the wrong shape never becomes a value that could pass."""
    assert [
        type(decode(x)).__name__
        for x in (None, [], {"type": "int", "value": "7"}, {"type": "int", "value": True})
    ] == [
        "Opaque",
        "Opaque",
        "Opaque",
        "Opaque",
    ]


def test_forged_data_of_any_shape_decodes_without_raising() -> None:
    """A forged answer (wrong field types, bogus floats, deep nesting) never raises."""
    forged = [
        {"type": ["dict"]},
        {"type": "float", "value": None, "repr": "bogus"},
        {"type": "dict", "items": [[{"type": "list", "items": []}, {"type": "int", "value": 1}]]},
        {"type": "dict", "items": "x"},
        {"type": "set", "items": [{"type": "list", "items": []}]},
        {"type": 7, "value": 7},
    ]
    decoded = [decode(item) for item in forged]
    assert (len(decoded), type(decoded[1]).__name__) == (len(forged), "Opaque")
