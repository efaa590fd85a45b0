//! The standard normal upper tail Q(z) = P(Z > z), for analytical p-values, and its quantile
//! Φ⁻¹(p) for van der Waerden normal scores (`normal_quantile`, Wichura's AS 241).
//!
//! **Algorithm.** For 0 ≤ z < 3 the series Φ(z) − ½ = φ(z) Σₖ z^(2k+1) / (1·3·5···(2k+1))
//! (Abramowitz & Stegun 26.2.11; all terms positive, so no cancellation inside the sum) and
//! Q = ½ − that. For z ≥ 3 Laplace's continued fraction Q(z) = φ(z) / (z + 1/(z + 2/(z + 3/(z + …))))
//! (A&S 26.2.14), evaluated with the modified Lentz method, converges in under 50 terms.
//! Negative z use Q(z) = 1 − Q(−z). Relative error below 1e-12 against scipy's `norm.sf` over
//! 0 ≤ z ≤ 37 (beyond that Q underflows to 0), which the Moran p-values need: PySAL's
//! `p_norm` must be matched to 1e-9 relative deep in the tail. Cost: at most ~50 iterations.

/// Upper tail Q(z) = P(Z > z) of the standard normal distribution.
///
/// ```
/// use local_atlas::analysis::normal::normal_sf;
/// // scipy.stats.norm.sf(1.96) = 0.024997895148220435
/// assert!((normal_sf(1.96) / 0.024997895148220435 - 1.0).abs() < 1e-12);
/// assert_eq!(normal_sf(0.0), 0.5);
/// ```
pub fn normal_sf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    if z < 0.0 {
        return 1.0 - normal_sf(-z);
    }
    let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    if density == 0.0 {
        return 0.0;
    }
    if z < 3.0 {
        let (mut term, mut sum) = (z, z);
        let mut k = 0.0;
        while term > 1e-17 * sum {
            term *= z * z / (2.0 * k + 3.0);
            sum += term;
            k += 1.0;
        }
        return 0.5 - density * sum;
    }
    // Modified Lentz for b0 + a1/(b1 + a2/(b2 + …)) with b_k = z, a_k = k.
    let (mut f, mut c, mut d) = (z, z, 0.0);
    for k in 1..500 {
        let a = k as f64;
        d = 1.0 / (z + a * d);
        c = z + a / c;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 4e-16 {
            break;
        }
    }
    density / f
}

/// Two-sided p-value 2·Q(|z|) (NaN for NaN z).
///
/// ```
/// use local_atlas::analysis::normal::two_sided_p;
/// // PySAL, Columbus CRIME global Moran: z_norm 5.630312787738188 → p 1.7988309915890043e-08
/// let p = two_sided_p(5.630312787738188);
/// assert!((p / 1.7988309915890043e-08 - 1.0).abs() < 1e-9);
/// ```
pub fn two_sided_p(z: f64) -> f64 {
    (2.0 * normal_sf(z.abs())).min(1.0)
}

/// The standard normal quantile Φ⁻¹(p) for 0 < p < 1 (−∞ at 0, +∞ at 1, NaN outside).
///
/// Wichura's algorithm AS 241 (`PPND16`, Applied Statistics 37, 1988): rational approximations
/// in three regions, relative accuracy about 1e-16 — the same algorithm as R's `qnorm`, so van
/// der Waerden normal scores match R/openSIMD's `qnorm(rank / (n + 1))`.
///
/// ```
/// use local_atlas::analysis::normal::normal_quantile;
/// // scipy.stats.norm.ppf(0.975) = 1.959963984540054
/// assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-14);
/// assert_eq!(normal_quantile(0.5), 0.0);
/// ```
// The coefficients are AS 241's as published (and as in R's qnorm.c), digits and all.
#[allow(clippy::excessive_precision)]
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q
            * (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                + 67265.770927008700853)
                * r
                + 45921.953931549871457)
                * r
                + 13731.693765509461125)
                * r
                + 1971.5909503065514427)
                * r
                + 133.14166789178437745)
                * r
                + 3.387132872796366608)
            / (((((((5226.495278852545925 * r + 28729.085735721942674) * r
                + 39307.89580009271061)
                * r
                + 21213.794301586595867)
                * r
                + 5394.1960214247511077)
                * r
                + 687.1870074920579083)
                * r
                + 42.313330701600911252)
                * r
                + 1.0);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    let mut r = (-tail.ln()).sqrt();
    let x = if r <= 5.0 {
        r -= 1.6;
        (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
            + 0.24178072517745061177)
            * r
            + 1.27045825245236838258)
            * r
            + 3.64784832476320460504)
            * r
            + 5.7694972214606914055)
            * r
            + 4.6303378461565452959)
            * r
            + 1.42343711074968357734)
            / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966)
                * r
                + 0.14810397642748007459)
                * r
                + 0.68976733498510000455)
                * r
                + 1.6763848301838038494)
                * r
                + 2.05319162663775882187)
                * r
                + 1.0)
    } else {
        r -= 5.0;
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
            + 0.0012426609473880784386)
            * r
            + 0.026532189526576123093)
            * r
            + 0.29656057182850489123)
            * r
            + 1.7848265399172913358)
            * r
            + 5.4637849111641143699)
            * r
            + 6.6579046435011037772)
            / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5)
                * r
                + 7.868691311456132591e-4)
                * r
                + 0.0148753612908506148525)
                * r
                + 0.13692988092273580531)
                * r
                + 0.59983220655588793769)
                * r
                + 1.0)
    };
    if q < 0.0 { -x } else { x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scipy_values() {
        // python3 -c "from scipy import stats; print([stats.norm.sf(z) for z in (0.5, 1.0, 2.5758293035489, 2.999, 3.0, 8.0, 30.0)])"
        let cases = [
            (0.5, 0.3085375387259869),
            (1.0, 0.15865525393145707),
            (2.5758293035489, 0.00500000000000001),
            (2.999, 0.0013543365337271057),
            (3.0, 0.0013498980316300933),
            (8.0, 6.22096057427174e-16),
            (30.0, 4.906713927147908e-198),
        ];
        for (z, want) in cases {
            let got = normal_sf(z);
            assert!((got / want - 1.0).abs() < 1e-11, "z={z}: {got} vs {want}");
        }
        assert!((normal_sf(-1.0) - (1.0 - 0.15865525393145707)).abs() < 1e-15);
        assert_eq!(normal_sf(40.0), 0.0);
        assert!(normal_sf(f64::NAN).is_nan());
        assert_eq!(normal_sf(f64::INFINITY), 0.0);
        assert_eq!(normal_sf(f64::NEG_INFINITY), 1.0);
    }

    #[test]
    fn quantile_matches_scipy_and_inverts_the_tail() {
        // scipy.stats.norm.ppf
        let cases = [
            (0.001, -3.090232306167813),
            (0.1, -1.2815515655446004),
            (0.3, -0.5244005127080407),
            (0.9, 1.2815515655446004),
            (1e-10, -6.361340902404056),
        ];
        for (p, want) in cases {
            let got = normal_quantile(p);
            assert!(
                (got - want).abs() < 1e-12 * want.abs().max(1.0),
                "p={p}: {got}"
            );
        }
        for z in [-5.0, -2.0, -0.1, 0.7, 3.5] {
            let p = 1.0 - normal_sf(z);
            assert!((normal_quantile(p) - z).abs() < 1e-9, "z={z}");
        }
        assert!(normal_quantile(1.5).is_nan());
    }
}
