# Independent values for RdpAccountantTest: A_alpha from its definition (Mironov, Talwar, Zhang 2019, eq. for the
# sampled Gaussian): A_alpha = E_{z ~ N(0, sigma^2)} [((1 - q) + q exp((2z - 1) / (2 sigma^2)))^alpha], integrated
# with mpmath at 40 digits for fractional orders, the exact binomial sum for integer ones.
import mpmath as mp
mp.mp.dps = 40
def logA(q, s, a):
    q, s, a = mp.mpf(q), mp.mpf(s), mp.mpf(a)
    if a == int(a):
        a = int(a)
        return mp.log(mp.fsum(mp.binomial(a, k) * (1 - q)**(a - k) * q**k * mp.e**((k*k - k) / (2*s*s)) for k in range(a + 1)))
    f = lambda z: mp.npdf(z, 0, s) * ((1 - q) + q * mp.e**((2*z - 1) / (2*s*s)))**a
    return mp.log(mp.quad(f, [-mp.inf, -10*s, 0, 0.5, a, a + 10*s, mp.inf]))
def rdp(q, s, a):
    if q == 1: return mp.mpf(a) / (2 * mp.mpf(s)**2)
    return logA(q, s, a) / (mp.mpf(a) - 1)
orders = [(11 + i) / 10.0 for i in range(99)] + [11.0 + i for i in range(246)]
import sys
rows = []
for q in [1e-3, 1e-2, 0.1, 1.0]:
    for s in [0.5, 1.0, 2.0, 10.0]:
        per = [rdp(q, s, a) for a in orders]
        for steps in [1, 100, 100000]:
            d = mp.mpf('1e-5')
            std = min(steps * r + mp.log(1/d) / (a - 1) for r, a in zip(per, orders))
            bal = min(steps * r + mp.log((a - 1) / a) - (mp.log(d) + mp.log(a)) / (a - 1) for r, a in zip(per, orders))
            rows.append((q, s, steps, float(max(std, 0)), float(max(bal, 0))))
        print(q, s, float(rdp(q, s, 2.5)), float(rdp(q, s, 8)), float(rdp(q, s, 32)), file=sys.stderr, flush=True)
for r in rows: print("{%r, %r, %d, %.12g, %.12g}," % r)
