# flagged: typing.get_type_hints evaluates the text of an annotation: an import chosen at run time.
import typing


def trick(x: "__import__('os').getcwd()"):
    return x


print(typing.get_type_hints(trick))
