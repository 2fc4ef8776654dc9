class D(dict):
    pass
systems = D(single_node=1, horizontal_scaling=5, vertical_scaling=2)
load = 7
