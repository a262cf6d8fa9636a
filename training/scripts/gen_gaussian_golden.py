"""Python twin of packages/core/src/model-io/gaussian.ts (sampleGaussian).

Writes packages/core/src/model-io/fixtures/gaussian-golden.json, which the TypeScript test
compares bit for bit: two independent implementations on two runtimes agreeing is the check that
the algorithm depends only on IEEE-exact operations. training/ can import `sample_gaussian` to
draw the same z vectors as the browser.
Run: /usr/bin/python3 training/scripts/gen_gaussian_golden.py
"""
import json
import math
import pathlib
import struct

OUT = pathlib.Path(__file__).resolve().parents[2] / 'packages/core/src/model-io/fixtures/gaussian-golden.json'
M32 = 0xFFFFFFFF
LN2 = 0.6931471805599453
SQRT_HALF = 0.7071067811865476


def mix32(x):
    x &= M32
    x ^= x >> 16
    x = (x * 0x7feb352d) & M32
    x ^= x >> 15
    x = (x * 0x846ca68b) & M32
    x ^= x >> 16
    return x


def seed_words(seed):
    if isinstance(seed, int):
        return seed & M32, (seed >> 32) & M32, 0x6e756d62
    units = seed.encode('utf-16-le')
    a, b = 0x811c9dc5, 0x2b992ddf
    n = len(units) // 2
    for i in range(n):
        unit = units[2 * i] | (units[2 * i + 1] << 8)
        a = ((a ^ unit) * 0x01000193) & M32
        b = ((b ^ unit) * 0x01000193) & M32
    return a, mix32(b ^ n), 0x73747267


def initial_state(seed):
    lo, hi, domain = seed_words(seed)
    x = mix32(lo ^ mix32(hi ^ domain))
    state = []
    for _ in range(4):
        x = mix32((x + 0x9e3779b9) & M32)
        state.append(x)
    if not any(state):
        state[0] = 1
    return state


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def next_u32(s):
    result = (rotl((s[1] * 5) & M32, 7) * 9) & M32
    t = (s[1] << 9) & M32
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result


def next_uniform(s):
    a = next_u32(s) >> 5
    b = next_u32(s) >> 6
    return (a * 67108864 + b) / 9007199254740992


def portable_log(x):
    m, e = x, 0
    while m < SQRT_HALF:
        m *= 2
        e -= 1
    while m >= 2 * SQRT_HALF:
        m /= 2
        e += 1
    t = (m - 1) / (m + 1)
    t2 = t * t
    series = 1 / 31
    for k in range(14, -1, -1):
        series = series * t2 + 1 / (2 * k + 1)
    return e * LN2 + 2 * t * series


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def sample_gaussian(seed, count):
    state = initial_state(seed)
    out = []
    while len(out) < count:
        u = 2 * next_uniform(state) - 1
        v = 2 * next_uniform(state) - 1
        s = u * u + v * v
        if s >= 1 or s == 0:
            continue
        factor = math.sqrt((-2 * portable_log(s)) / s)
        out.append(f32(u * factor))
        if len(out) < count:
            out.append(f32(v * factor))
    return out


def main():
    seeds = [0, 1, 42, -7, 2 ** 40 + 3, 9007199254740991, '', 'hello', 'sunset over the lake ☀']
    cases = [{'seed': s, 'values': sample_gaussian(s, 64)} for s in seeds]
    logs = [[x, portable_log(x)] for x in (1e-300, 2.2250738585072014e-308, 1e-9, 0.1, 0.5, 0.7071067811865476, 0.9999999999, 1.0, 1.5, 10.0)]
    OUT.write_text(json.dumps({'generator': 'training/scripts/gen_gaussian_golden.py', 'cases': cases, 'logs': logs}) + '\n')
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
