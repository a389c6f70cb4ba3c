#!/usr/bin/python3
"""bench/origin-copies.py: which pieces the origin of a swarm run sent more than once, and when.

  origin-copies.py LOG [PIECE_BYTES]

LOG is a run's origin-sent.log (bench/swarm.sh keeps it with the run's logs: nginx's bytes_sent,
status, Range header, client address, request time and the time the response ended), PIECE_BYTES
the torrent's piece size (default 1 MiB). Each response of at least one piece's worth is counted
for the pieces it covers: the first copy of a piece is the earliest response for it; a later one
is "concurrent" when it began before that first one ended (two hosts fetching the piece at once),
else "later" (a host asked the origin for a piece another host already had). Prints the counts,
in all and per host, the bytes, and when the later copies began (seconds from the first request).
"""
import collections
import re
import sys

LINE = re.compile(r'(\d+) (\d+) "bytes=(\d+)-(\d*)" (\S+) (\S+) (\S+)')


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    piece = int(sys.argv[2]) if len(sys.argv) > 2 else 1 << 20
    responses = []
    for line in open(sys.argv[1]):
        m = LINE.match(line)
        if not m:
            continue
        sent, start, host = int(m.group(1)), int(m.group(3)), m.group(5)
        took, ended = float(m.group(6)), float(m.group(7))
        responses.append((ended - took, ended, host, start, sent))
    if not responses:
        sys.exit("no responses with times in %s (an older log format?)" % sys.argv[1])
    responses.sort()
    t0 = responses[0][0]
    first_end = {}
    kinds = collections.Counter()
    sent_by_kind = collections.Counter()
    per_host = collections.defaultdict(collections.Counter)
    later_at = []
    for began, ended, host, start, sent in responses:
        if sent < piece // 2:
            kinds["small"] += 1
            sent_by_kind["small"] += sent
            continue
        count = max(1, round(sent / piece))
        kind = None
        for p in range(start // piece, start // piece + count):
            if p not in first_end:
                first_end[p] = ended
                k = "first"
            elif began < first_end[p]:
                k = "concurrent"
            else:
                k = "later"
                later_at.append(began - t0)
            kind = kind or k
            kinds[k] += 1
            per_host[host][k] += 1
        sent_by_kind[kind] += sent
    print("pieces sent:", dict(kinds))
    print("MB sent by the kind of a response's first piece:",
          {k: round(v / 1e6, 1) for k, v in sent_by_kind.items()})
    for host, c in sorted(per_host.items(), key=lambda hc: -hc[1]["later"]):
        print("  %-15s first %3d  concurrent %3d  later %3d" % (host, c["first"], c["concurrent"], c["later"]))
    if later_at:
        later_at.sort()
        print("later copies began %.0f to %.0f s after the first request (median %.0f)"
              % (later_at[0], later_at[-1], later_at[len(later_at) // 2]))


if __name__ == "__main__":
    main()
