# expect: status=failed score=0 code=runtime-error
# Prints terminal escapes and GitHub workflow commands, and raises them in an error.
print("\x1b[2J\x1b[31mred\x1b]0;title\x07\x1b]8;;https://evil.example\x07link\x1b]8;;\x07")
print("::error file=grader/cli.py,line=1::pwned")
print("::add-mask::pwned")
print("##[error]pwned")
print("\u202etxt.exe\r::warning::pwned")
raise ValueError("\x1b[2J\n::error::pwned\n##[set-output name=score;]4\n\x07bell")
