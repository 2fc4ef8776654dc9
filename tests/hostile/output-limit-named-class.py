# expect: status=failed score=0 code=runtime-error
# Raises a class of its own named like the grader's output limit: not an output flood.
class _OutputLimit(BaseException):
    pass


systems = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}
raise _OutputLimit("stopped on purpose")
