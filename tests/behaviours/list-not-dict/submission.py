systems = [1, 5, 2]
load = 7
