"""Reads "A<TAB>B" lines on stdin; prints the packaging.version order (-1/0/1) or "invalid"."""
import sys
from packaging.version import Version

def order(a, b):
    try:
        x, y = Version(a), Version(b)
    except Exception:  # InvalidVersion, and ValueError for digit strings int() refuses
        return "invalid"
    return "-1" if x < y else ("0" if x == y else "1")

data = sys.stdin.buffer.read().decode("utf-8").split("\n")
if data and data[-1] == "":
    data.pop()
out = []
for line in data:
    a, _, b = line.partition("\t")
    out.append(order(a, b))
sys.stdout.write("\n".join(out) + "\n")
