// The "paper ball" of Chollet's Deep Learning with Python (§2.1.6): two sheets of coloured paper,
// one per class, crumpled together into a ball. Deep learning is then "uncrumpling" them, a
// chain of simple geometric transformations that makes the classes separable again.
//
// Construction: class 0 is the square [-1, 1]² at z = -GAP/2 and class 1 the same square at
// z = +GAP/2. Both are pushed through one map F = R3 ∘ W3 ∘ R2 ∘ W2 ∘ R1 ∘ W1, where each Ri is a
// rotation and each Wi a sinusoidal shear that moves one coordinate by a sine of another, e.g.
// z ← z + a·sin(ω·x + φ). A shear like that is triangular (the moved coordinate does not feed
// its own displacement), so it is smooth and exactly invertible by subtracting the same sine;
// rotations are orthogonal. F is therefore a diffeomorphism of R³: the sheets, disjoint
// before, stay disjoint after (their distance is bounded below by GAP / Lip(F⁻¹)), yet the
// folds bend each one through the other's side so no plane separates them.

/** Distance between the two sheets before crumpling. */
export const GAP = 0.3;

type Vec3 = [number, number, number];

interface Step {
  forward(p: Vec3): void;
  inverse(p: Vec3): void;
}

function rotation(axis: 0 | 1 | 2, angle: number): Step {
  // Rotate in the plane of the two coordinates other than `axis`.
  const i = (axis + 1) % 3;
  const j = (axis + 2) % 3;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const turn = (p: Vec3, sin: number): void => {
    const a = p[i];
    const b = p[j];
    p[i] = c * a - sin * b;
    p[j] = sin * a + c * b;
  };
  return { forward: (p) => turn(p, s), inverse: (p) => turn(p, -s) };
}

/** p[moved] += amplitude · sin(frequency · p[driver] + phase); invertible because driver ≠ moved. */
function shear(moved: 0 | 1 | 2, driver: 0 | 1 | 2, amplitude: number, frequency: number, phase: number): Step {
  const bump = (p: Vec3): number => amplitude * Math.sin(frequency * p[driver] + phase);
  return {
    forward: (p) => {
      p[moved] += bump(p);
    },
    inverse: (p) => {
      p[moved] -= bump(p);
    },
  };
}

// Fixed, not seeded: every seed samples the same ball, only the points differ.
const STEPS: Step[] = [
  shear(2, 0, 0.6, 2.5, 0.3),
  rotation(1, 1.1),
  shear(0, 1, 0.5, 3.0, -0.7),
  rotation(0, 0.9),
  shear(1, 2, 0.5, 2.7, 1.3),
  rotation(2, 0.6),
];

/** Applies the crumpling map F in place. */
export function crumple(p: Vec3): Vec3 {
  for (const step of STEPS) step.forward(p);
  return p;
}

/** Applies F⁻¹ in place: recovers the flat sheets (tests use it to prove F is invertible). */
export function uncrumple(p: Vec3): Vec3 {
  for (let s = STEPS.length - 1; s >= 0; s--) STEPS[s].inverse(p);
  return p;
}
