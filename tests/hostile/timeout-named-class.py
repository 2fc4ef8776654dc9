# expect: status=failed score=0 code=runtime-error
# Raises a class of its own named like the grader's timeout: not a timeout.
class _Timeout(BaseException):
    pass


systems = {"single_node": 1, "horizontal_scaling": 5, "vertical_scaling": 2}
raise _Timeout("stopped on purpose")
