//! The exact assignment behind a suggestion, on feasible pairs only: rows (parties) are
//! placed on columns (households, each with a number of places) so that the chosen pairs'
//! weights sum to the most possible, a row left unplaced counting 0.
//!
//! Successive shortest augmenting paths (the Hungarian method row by row, as a min-cost
//! flow): each row is added in turn and the cheapest way to fit it in is found with Dijkstra
//! over the residual graph, kept free of negative edges by node potentials, and the search
//! stops at the first way in. Costs are `top - weight` for a pair and `top` for staying
//! unplaced, so every cost is at least 0. After each row the placement is optimal for the rows
//! seen so far, so after the last it is optimal for all. Work grows with the feasible pairs a
//! search reaches, not with rows × columns: a dense matrix over 1,000 parties and 1,800
//! places is never built.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Nodes of the residual graph: rows, then columns, then the sink (places and "unplaced").
struct Graph<'a> {
    edges: &'a [Vec<(usize, i64)>],
    rows: usize,
    top: i64,
    /// The column each row is placed on (`None`: unplaced, or not added yet).
    at: Vec<Option<usize>>,
    /// The weight of each placed row's pair.
    weight_at: Vec<i64>,
    /// The rows placed on each column.
    guests: Vec<Vec<usize>>,
    free: Vec<u32>,
    potential: Vec<i64>,
}

impl Graph<'_> {
    fn sink(&self) -> usize {
        self.rows + self.guests.len()
    }

    /// Every residual edge out of `node` with its cost reduced by the potentials.
    fn out_of(&self, node: usize, mut visit: impl FnMut(usize, i64)) {
        let sink = self.sink();
        let reduced = |cost: i64, to: usize| cost + self.potential[node] - self.potential[to];
        if node < self.rows {
            for &(column, weight) in &self.edges[node] {
                if self.at[node] != Some(column) {
                    let to = self.rows + column;
                    visit(to, reduced(self.top - weight, to));
                }
            }
            // Giving up its place (only rows on the path are placed, or the new row).
            visit(sink, reduced(self.top, sink));
        } else {
            let column = node - self.rows;
            if self.free[column] > 0 {
                visit(sink, reduced(0, sink));
            }
            for &row in &self.guests[column] {
                visit(row, reduced(self.weight_at[row] - self.top, row));
            }
        }
    }

    /// Adds `start` on the cheapest path from it to the sink, keeping every earlier row
    /// placed or unplaced as the optimum for the rows so far says.
    fn add(&mut self, start: usize) {
        let sink = self.sink();
        // No edge enters a new row, so its potential may be raised until none out of it is
        // negative.
        self.potential[start] = self.edges[start]
            .iter()
            .map(|&(c, w)| self.potential[self.rows + c] - (self.top - w))
            .chain([self.potential[sink] - self.top])
            .max()
            .unwrap_or(0);
        let mut dist = vec![i64::MAX; sink + 1];
        let mut came_from = vec![usize::MAX; sink + 1];
        let mut done = vec![false; sink + 1];
        let mut heap = BinaryHeap::from([Reverse((0, start))]);
        dist[start] = 0;
        while let Some(Reverse((d, node))) = heap.pop() {
            if done[node] {
                continue;
            }
            done[node] = true;
            if node == sink {
                break;
            }
            self.out_of(node, |to, cost| {
                debug_assert!(cost >= 0, "potentials keep reduced costs non-negative");
                if !done[to] && d + cost < dist[to] {
                    dist[to] = d + cost;
                    came_from[to] = node;
                    heap.push(Reverse((d + cost, to)));
                }
            });
        }
        let reached = dist[sink];
        for (p, d) in self.potential.iter_mut().zip(&dist) {
            *p += (*d).min(reached);
        }
        // Walk back: a row followed by a column moves there, a row followed by the sink goes
        // unplaced, a column followed by the sink gives one more place.
        let mut next = sink;
        let mut node = came_from[sink];
        while node != usize::MAX {
            if node < self.rows {
                if let Some(old) = self.at[node] {
                    self.guests[old].retain(|&r| r != node);
                }
                self.at[node] = (next != sink).then(|| next - self.rows);
                if let Some(new) = self.at[node] {
                    self.guests[new].push(node);
                    self.weight_at[node] = self.edges[node]
                        .iter()
                        .find(|(c, _)| *c == new)
                        .map_or(0, |(_, w)| *w);
                }
            } else if next == sink {
                self.free[node - self.rows] -= 1;
            }
            next = node;
            node = came_from[node];
        }
    }
}

/// Places each row on at most one column, each column taking at most its capacity, so that
/// the weights of the chosen pairs sum to the most possible. `edges[row]` lists the pairs the
/// row may take, as (column, weight), weights above 0.
pub fn assign(edges: &[Vec<(usize, i64)>], capacity: &[u32]) -> Vec<Option<usize>> {
    let rows = edges.len();
    let top = edges.iter().flatten().map(|(_, w)| *w).max().unwrap_or(0);
    let mut graph = Graph {
        edges,
        rows,
        top,
        at: vec![None; rows],
        weight_at: vec![0; rows],
        guests: vec![Vec::new(); capacity.len()],
        free: capacity.to_vec(),
        potential: vec![0; rows + capacity.len() + 1],
    };
    for (row, pairs) in edges.iter().enumerate() {
        if !pairs.is_empty() {
            graph.add(row);
        }
    }
    graph.at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_gives_way_when_that_weighs_more() {
        // Row 0 prefers column 0; row 1 can only take column 0. With weights where placing
        // counts most (as suggestions use them), row 0 moves; where one pair outweighs two, it
        // stays and row 1 goes unplaced.
        let edges = vec![vec![(0, 110), (1, 103)], vec![(0, 105)]];
        assert_eq!(assign(&edges, &[1, 1]), vec![Some(1), Some(0)]);
        let edges = vec![vec![(0, 10), (1, 3)], vec![(0, 5)]];
        assert_eq!(assign(&edges, &[1, 1]), vec![Some(0), None]);
    }

    #[test]
    fn a_longer_chain_of_moves_is_found() {
        // Each row prefers the column the next one needs.
        let edges = vec![
            vec![(0, 20), (1, 11)],
            vec![(1, 20), (2, 11)],
            vec![(2, 20)],
        ];
        assert_eq!(assign(&edges, &[1, 1, 1]), vec![Some(0), Some(1), Some(2)]);
        // Row 2 arrives last and only fits where row 1 is: both earlier rows move over.
        let edges = vec![
            vec![(1, 120), (0, 111)],
            vec![(2, 120), (1, 111)],
            vec![(2, 112)],
        ];
        assert_eq!(assign(&edges, &[1, 1, 1]), vec![Some(0), Some(1), Some(2)]);
        // Without the bonus for placing, two good pairs beat three fair ones.
        let edges = vec![
            vec![(1, 20), (0, 11)],
            vec![(2, 20), (1, 11)],
            vec![(2, 12)],
        ];
        assert_eq!(assign(&edges, &[1, 1, 1]), vec![Some(1), Some(2), None]);
    }

    #[test]
    fn a_column_takes_up_to_its_capacity_and_the_best_rows() {
        let edges = vec![vec![(0, 1)], vec![(0, 7)], vec![(0, 4)]];
        assert_eq!(assign(&edges, &[2]), vec![None, Some(0), Some(0)]);
    }

    #[test]
    fn rows_without_pairs_and_columns_without_places_stay_empty() {
        let edges = vec![vec![], vec![(0, 2), (1, 9)]];
        assert_eq!(assign(&edges, &[1, 0]), vec![None, Some(0)]);
    }
}
