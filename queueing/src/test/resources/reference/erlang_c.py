"""Reference Erlang C values by the textbook factorial form in exact rational arithmetic.

C(c, a) = (a^c / c!) * (c / (c - a)) / (sum_{k<c} a^k / k! + (a^c / c!) * (c / (c - a)))
(Kleinrock, Queueing Systems vol. 1, 1975, eq. 3.40). This is a different algorithm from the library's
Erlang B recursion, evaluated without rounding, so it is an independent check. Output: erlang_c.csv.
Run: python3 erlang_c.py > erlang_c.csv
"""
from fractions import Fraction


def erlang_c(c, a):
    a = Fraction(a)
    term = Fraction(1)
    total = Fraction(0)
    for k in range(c):
        total += term
        term = term * a / (k + 1)
    # term is now a^c / c!
    top = term * Fraction(c) / (c - a)
    return top / (total + top)


print("servers,offered_load,erlang_c")
for c, a in [(1, "0.5"), (2, "1"), (5, "4"), (10, "8"), (20, "15"), (50, "45"), (100, "90"),
             (100, "99"), (1000, "950"), (10000, "9900")]:
    print(f"{c},{a},{float(erlang_c(c, Fraction(a))):.17g}")
