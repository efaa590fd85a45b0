//! The subgradient ascent shared by the p-median's Lagrangian bounds ([`super::exact`] and
//! [`super::capacity_bound`]): Held–Karp steps θ·(UB − L)/‖g‖² on the multipliers (kept
//! ≥ 0), θ halved after 15 steps without a better bound, stopping when the bound meets the
//! upper bound or θ falls below 10⁻⁴.

/// The ascent's state: the best bound so far and the step scale.
pub(super) struct Ascent {
    pub best: f64,
    theta: f64,
    stale: u32,
}

impl Ascent {
    pub fn new() -> Self {
        Self {
            best: f64::NEG_INFINITY,
            theta: 2.0,
            stale: 0,
        }
    }

    /// Records the bound `lb` of this step; false when the ascent is done.
    pub fn record(&mut self, lb: f64, upper: f64) -> bool {
        if lb > self.best + 1e-12 * lb.abs().max(1.0) {
            self.best = lb;
            self.stale = 0;
        } else {
            self.stale += 1;
            if self.stale >= 15 {
                self.theta /= 2.0;
                self.stale = 0;
            }
        }
        self.best < upper - 1e-9 * upper.abs().max(1.0) && self.theta >= 1e-4
    }

    /// Moves `lambda` along the subgradient `g`; false when g = 0 (the relaxed solution is
    /// feasible, so the bound is exact).
    pub fn step(&self, lambda: &mut [f64], g: &[f64], lb: f64, upper: f64) -> bool {
        let norm: f64 = g.iter().map(|v| v * v).sum();
        if norm < 1e-18 {
            return false;
        }
        let step = self.theta * (upper - lb).max(0.0) / norm;
        for (l, gi) in lambda.iter_mut().zip(g) {
            *l = (*l + step * gi).max(0.0);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Ascent;

    #[test]
    fn stops_at_the_upper_bound_and_halves_the_step_when_stale() {
        let mut a = Ascent::new();
        assert!(a.record(1.0, 10.0));
        assert!(!a.record(10.0, 10.0), "the bound met the upper bound");
        let mut b = Ascent::new();
        b.record(5.0, 10.0);
        let mut steps = 0;
        while b.record(4.0, 10.0) {
            steps += 1;
        }
        // θ: 2 → below 1e-4 takes 15 halvings of 15 stale steps each.
        assert_eq!(steps, 15 * 15 - 1);
        let mut lambda = [1.0, 0.0];
        assert!(b.step(&mut lambda, &[1.0, -1.0], 5.0, 10.0));
        assert!(lambda[0] > 1.0 && lambda[1] == 0.0);
        assert!(!b.step(&mut lambda, &[0.0, 0.0], 5.0, 10.0));
    }
}
