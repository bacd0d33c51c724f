//! The org chart (R-EVAL-1): every staff member has a direct manager (manager → supervisors →
//! specialists), the department manager at the top, and no one above themselves.

use uuid::Uuid;

/// R-EVAL-1: whether making `manager` the direct manager of `person` keeps the chart free of
/// cycles. `manager_of` answers each person's current manager. Returns the chain from `manager`
/// up to the top when it does, or the people on the cycle when it does not.
pub fn check_manager(
    person: Uuid,
    manager: Uuid,
    manager_of: impl Fn(Uuid) -> Option<Uuid>,
) -> Result<Vec<Uuid>, Vec<Uuid>> {
    let mut chain = vec![manager];
    let mut at = manager;
    loop {
        if at == person {
            return Err(chain);
        }
        match manager_of(at) {
            Some(next) if !chain.contains(&next) => {
                chain.push(next);
                at = next;
            }
            // A cycle already stored above (not through `person`) ends the walk.
            Some(next) => {
                return if next == person {
                    Err(chain)
                } else {
                    Ok(chain)
                }
            }
            None => return Ok(chain),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn r_eval_1_reports_to_refuses_a_cycle() {
        let [boss, sup, agent, other] = [1, 2, 3, 4].map(Uuid::from_u128);
        let chart: HashMap<Uuid, Uuid> = [(sup, boss), (agent, sup)].into_iter().collect();
        let of = |p: Uuid| chart.get(&p).copied();
        assert_eq!(check_manager(other, agent, of), Ok(vec![agent, sup, boss]));
        // The boss under the agent, the supervisor under herself: cycles.
        assert_eq!(check_manager(boss, agent, of), Err(vec![agent, sup, boss]));
        assert_eq!(check_manager(sup, sup, of), Err(vec![sup]));
    }
}
