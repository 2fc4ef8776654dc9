# expect: status=failed score=0
# Prints the expected output without computing anything.
print("{'single_node': False, 'horizontal_scaling': False, 'vertical_scaling': False}")
