//! Capacity: which AP serves which clients.
//!
//! Clients are not tied to their strongest AP: controllers spread them over
//! the APs they hear well (load balancing, band steering). So a room's
//! clients may go to any AP whose signal reaches the room's threshold where
//! they sit, and a set of APs carries the load when there is an assignment
//! with no AP above its client limit. That is a flow problem: source →
//! demand (a group of cells heard by the same APs, carrying its share of a
//! room's clients) → AP (any that covers the group) → sink (capacity: the
//! limit). The load is carried exactly when the maximum flow equals the
//! clients (Ford & Fulkerson 1956; solved here with Dinic's algorithm,
//! Dinic 1970), and when it does not, the demands still reachable from the
//! source in the residual graph are the ones no reassignment can serve
//! (the source side of a minimum cut).
//!
//! Clients are an expected count, spread evenly over a room's covered cells,
//! so flows are fractional; the limit is what matters, not which client goes
//! where.

/// Clients that may be served by any AP of a set.
#[derive(Clone, Debug, PartialEq)]
pub struct Demand {
    /// Indices of the APs that may serve them.
    pub aps: Vec<usize>,
    /// How many clients.
    pub clients: f64,
}

/// The result of an assignment.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// Clients carried by each AP.
    pub load: Vec<f64>,
    /// Clients of each demand that could be served.
    pub served: Vec<f64>,
    /// Per demand, the clients each AP takes: `(AP index, clients)`.
    pub flows: Vec<Vec<(usize, f64)>>,
    /// Every client is served within the limit.
    pub feasible: bool,
    /// Demands on the source side of a minimum cut: where APs are missing
    /// (empty when feasible).
    pub short: Vec<usize>,
}

/// Tolerance on client counts.
const EPS: f64 = 1e-9;

struct Edge {
    to: usize,
    capacity: f64,
}

/// Dinic's maximum flow on a small graph with real capacities.
struct Network {
    edges: Vec<Edge>,
    out: Vec<Vec<usize>>,
    level: Vec<i32>,
    next: Vec<usize>,
}

impl Network {
    fn new(nodes: usize) -> Self {
        Network { edges: Vec::new(), out: vec![Vec::new(); nodes], level: vec![0; nodes], next: vec![0; nodes] }
    }

    /// Adds `from → to` and its reverse residual edge; returns the index.
    fn add(&mut self, from: usize, to: usize, capacity: f64) -> usize {
        let index = self.edges.len();
        self.edges.push(Edge { to, capacity });
        self.out[from].push(index);
        self.edges.push(Edge { to: from, capacity: 0.0 });
        self.out[to].push(index + 1);
        index
    }

    fn levels(&mut self, source: usize, sink: usize) -> bool {
        self.level.iter_mut().for_each(|l| *l = -1);
        self.level[source] = 0;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(node) = queue.pop_front() {
            for &e in &self.out[node] {
                let edge = &self.edges[e];
                if edge.capacity > EPS && self.level[edge.to] < 0 {
                    self.level[edge.to] = self.level[node] + 1;
                    queue.push_back(edge.to);
                }
            }
        }
        self.level[sink] >= 0
    }

    fn push(&mut self, node: usize, sink: usize, limit: f64) -> f64 {
        if node == sink {
            return limit;
        }
        while self.next[node] < self.out[node].len() {
            let e = self.out[node][self.next[node]];
            let (to, capacity) = (self.edges[e].to, self.edges[e].capacity);
            if capacity > EPS && self.level[to] == self.level[node] + 1 {
                let pushed = self.push(to, sink, limit.min(capacity));
                if pushed > EPS {
                    self.edges[e].capacity -= pushed;
                    self.edges[e ^ 1].capacity += pushed;
                    return pushed;
                }
            }
            self.next[node] += 1;
        }
        0.0
    }

    fn max_flow(&mut self, source: usize, sink: usize) -> f64 {
        let mut total = 0.0;
        while self.levels(source, sink) {
            self.next.iter_mut().for_each(|n| *n = 0);
            loop {
                let pushed = self.push(source, sink, f64::INFINITY);
                if pushed <= EPS {
                    break;
                }
                total += pushed;
            }
        }
        total
    }
}

/// Assigns the demands to `ap_count` APs of `limit` clients each, as far as
/// it goes (maximum flow).
pub fn assign(demands: &[Demand], ap_count: usize, limit: f64) -> Assignment {
    let limits = vec![limit; ap_count];
    assign_with_limits(demands, &limits)
}

/// [`assign`] with a limit per AP.
pub fn assign_with_limits(demands: &[Demand], limits: &[f64]) -> Assignment {
    let (d, a) = (demands.len(), limits.len());
    let (source, sink) = (0, d + a + 1);
    let mut network = Network::new(d + a + 2);
    let supply: Vec<usize> =
        demands.iter().enumerate().map(|(i, demand)| network.add(source, 1 + i, demand.clients.max(0.0))).collect();
    let links: Vec<Vec<(usize, usize)>> = demands
        .iter()
        .enumerate()
        .map(|(i, demand)| {
            demand
                .aps
                .iter()
                .filter(|&&ap| ap < a)
                .map(|&ap| (ap, network.add(1 + i, 1 + d + ap, f64::INFINITY)))
                .collect()
        })
        .collect();
    let capacity: Vec<usize> =
        limits.iter().enumerate().map(|(ap, &l)| network.add(1 + d + ap, sink, l.max(0.0))).collect();
    network.max_flow(source, sink);
    let served: Vec<f64> = supply.iter().map(|&e| network.edges[e ^ 1].capacity).collect();
    let load: Vec<f64> = capacity.iter().map(|&e| network.edges[e ^ 1].capacity).collect();
    let flows = links
        .iter()
        .map(|list| list.iter().map(|&(ap, e)| (ap, network.edges[e ^ 1].capacity)).filter(|&(_, f)| f > EPS).collect())
        .collect();
    let feasible = demands.iter().zip(&served).all(|(demand, &s)| s >= demand.clients - 1e-6);
    let short = if feasible {
        Vec::new()
    } else {
        network.levels(source, sink);
        (0..d).filter(|&i| network.level[1 + i] >= 0).collect()
    };
    Assignment { load, served, flows, feasible, short }
}

/// The assignment that keeps the busiest AP as light as it can be: the
/// smallest common limit at which every client is served, found by
/// bisection to 0.01 client, and the flow at that limit. Reports show these
/// loads (a maximum flow alone may fill some APs and leave others idle).
/// Demands no AP can serve are left out of the balance.
pub fn balanced(demands: &[Demand], ap_count: usize) -> Assignment {
    let servable: Vec<Demand> = demands.iter().filter(|d| d.aps.iter().any(|&a| a < ap_count)).cloned().collect();
    let total: f64 = servable.iter().map(|d| d.clients.max(0.0)).sum();
    if ap_count == 0 || total <= EPS {
        return assign(demands, ap_count, 0.0);
    }
    let (mut low, mut high) = (total / ap_count as f64 - EPS, total);
    while high - low > 1e-3 {
        let middle = 0.5 * (low + high);
        if assign(&servable, ap_count, middle).feasible {
            high = middle;
        } else {
            low = middle;
        }
    }
    assign(demands, ap_count, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(aps: &[usize], clients: f64) -> Demand {
        Demand { aps: aps.to_vec(), clients }
    }

    #[test]
    fn a_hall_heard_by_three_aps_splits_in_thirds() {
        let hall = [demand(&[0, 1, 2], 90.0)];
        let result = assign(&hall, 3, 30.0);
        assert!(result.feasible);
        assert!((result.load.iter().sum::<f64>() - 90.0).abs() < 1e-9);
        assert!(result.load.iter().all(|&l| l <= 30.0 + 1e-9));
        // Two APs cannot carry 90 clients at 30 each: the hall is short.
        let two = assign(&[demand(&[0, 1], 90.0)], 2, 30.0);
        assert!(!two.feasible && two.short == vec![0]);
        assert!((two.served[0] - 60.0).abs() < 1e-9);
    }

    #[test]
    fn clients_move_to_where_there_is_room() {
        // Room A is heard by AP 0 only, room B by APs 0 and 1: B's clients
        // must go to AP 1 for A's to fit on AP 0.
        let demands = [demand(&[0], 25.0), demand(&[0, 1], 30.0)];
        let result = assign(&demands, 2, 30.0);
        assert!(result.feasible, "{result:?}");
        assert!(result.load[0] >= 25.0 - 1e-9);
        // With 40 clients in A, AP 0 is short whatever B does; B is fine.
        let short = assign(&[demand(&[0], 40.0), demand(&[0, 1], 30.0)], 2, 30.0);
        assert!(!short.feasible);
        assert_eq!(short.short, vec![0]);
    }

    #[test]
    fn balanced_loads_share_the_work() {
        let result = balanced(&[demand(&[0, 1, 2], 90.0)], 3);
        assert!(result.load.iter().all(|&l| (l - 30.0).abs() < 0.02), "{result:?}");
        let uneven = balanced(&[demand(&[0], 10.0), demand(&[0, 1], 30.0)], 2);
        assert!(uneven.load.iter().all(|&l| (l - 20.0).abs() < 0.02), "{uneven:?}");
        // Nothing to serve, no APs, demands no AP hears: no panic.
        assert!(balanced(&[], 0).feasible);
        assert!(!balanced(&[demand(&[5], 3.0)], 2).feasible);
    }
}
