/* Floating-point workload: n-body simulation of the Sun and the four gas
 * giants (symplectic Euler steps, double precision, fsqrt + divide in the
 * inner loop). Checks energy conservation and the exact final energy. */
#include "bench.h"

#ifndef NBODY_STEPS
#define NBODY_STEPS 1000000
#endif
#define NBODY_EXPECT 0xc09233f9aa71ae7dull

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24
#define NBODIES 5

struct body {
  double x, y, z, vx, vy, vz, mass;
};

static struct body bodies[NBODIES] = {
  /* Sun */
  { 0, 0, 0, 0, 0, 0, SOLAR_MASS },
  /* Jupiter */
  { 4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
    1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
    -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS },
  /* Saturn */
  { 8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
    -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
    2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS },
  /* Uranus */
  { 1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
    2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
    -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS },
  /* Neptune */
  { 1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
    2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
    -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS },
};

static void offset_momentum(void)
{
  double px = 0, py = 0, pz = 0;
  for (int i = 0; i < NBODIES; i++) {
    px += bodies[i].vx * bodies[i].mass;
    py += bodies[i].vy * bodies[i].mass;
    pz += bodies[i].vz * bodies[i].mass;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
}

static double energy(void)
{
  double e = 0;
  for (int i = 0; i < NBODIES; i++) {
    struct body *b = &bodies[i];
    e += 0.5 * b->mass * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
    for (int j = i + 1; j < NBODIES; j++) {
      struct body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      e -= b->mass * c->mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static void advance(double dt)
{
  for (int i = 0; i < NBODIES; i++) {
    struct body *b = &bodies[i];
    for (int j = i + 1; j < NBODIES; j++) {
      struct body *c = &bodies[j];
      double dx = b->x - c->x, dy = b->y - c->y, dz = b->z - c->z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * __builtin_sqrt(d2));
      b->vx -= dx * c->mass * mag;
      b->vy -= dy * c->mass * mag;
      b->vz -= dz * c->mass * mag;
      c->vx += dx * b->mass * mag;
      c->vy += dy * b->mass * mag;
      c->vz += dz * b->mass * mag;
    }
  }
  for (int i = 0; i < NBODIES; i++) {
    struct body *b = &bodies[i];
    b->x += dt * b->vx;
    b->y += dt * b->vy;
    b->z += dt * b->vz;
  }
}

int main(void)
{
  offset_momentum();
  double e0 = energy();
  for (long step = 0; step < NBODY_STEPS; step++)
    advance(0.01);
  double e1 = energy();
  /* Known answer for the classic problem: -0.169075164 at the start; a
   * symplectic integrator keeps the energy within ~1e-4 over this run. */
  double de = e1 - e0;
  if (!(e0 < -0.169075163 && e0 > -0.169075165) || !(de < 1e-4 && de > -1e-4)) {
    bench_printf("nbody: fp FAIL energy %ld -> %ld (x1e-9), expected -169075164 and a drift below 1e-4\n",
                 (long)(e0 * 1e9), (long)(e1 * 1e9));
    return 1;
  }
  uint64_t h = bench_mix(bench_f64_bits(e0), bench_f64_bits(e1));
  return bench_report("nbody", "fp", h == NBODY_EXPECT, "checksum", h, NBODY_EXPECT);
}
