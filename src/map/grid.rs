//! Screen-space grids: which rectangles are taken (labels keep clear of labels and markers)
//! and which cells already hold a marker (markers are thinned where thousands overlap).
//! Both answer in time proportional to the rectangle's area, not to what is on screen.

use egui::{Pos2, Rect};

/// Rectangles taken on screen, bucketed by cell.
pub struct Occupancy {
    origin: Pos2,
    cell: f32,
    cols: usize,
    rows: usize,
    cells: Vec<Vec<Rect>>,
}

impl Occupancy {
    /// An empty grid over `area`.
    pub fn new(area: Rect, cell: f32) -> Occupancy {
        let cols = (area.width() / cell).ceil().max(1.0) as usize;
        let rows = (area.height() / cell).ceil().max(1.0) as usize;
        Occupancy {
            origin: area.min,
            cell,
            cols,
            rows,
            cells: vec![Vec::new(); cols * rows],
        }
    }

    fn span(&self, r: Rect) -> Option<(usize, usize, usize, usize)> {
        let f = |v: f32, o: f32, n: usize| {
            (((v - o) / self.cell).floor() as i64).clamp(0, n as i64 - 1) as usize
        };
        if !r.is_positive() && r.area() != 0.0 {
            return None;
        }
        Some((
            f(r.min.x, self.origin.x, self.cols),
            f(r.max.x, self.origin.x, self.cols),
            f(r.min.y, self.origin.y, self.rows),
            f(r.max.y, self.origin.y, self.rows),
        ))
    }

    /// Marks a rectangle as taken.
    pub fn insert(&mut self, r: Rect) {
        let Some((x0, x1, y0, y1)) = self.span(r) else {
            return;
        };
        for y in y0..=y1 {
            for x in x0..=x1 {
                if let Some(c) = self.cells.get_mut(y * self.cols + x) {
                    c.push(r);
                }
            }
        }
    }

    /// True when a taken rectangle meets `r`, ignoring rectangles that contain `except`
    /// (a label may touch its own marker).
    pub fn hits(&self, r: Rect, except: Option<Pos2>) -> bool {
        let Some((x0, x1, y0, y1)) = self.span(r) else {
            return false;
        };
        (y0..=y1).any(|y| {
            (x0..=x1).any(|x| {
                self.cells.get(y * self.cols + x).is_some_and(|c| {
                    c.iter()
                        .any(|o| o.intersects(r) && except.is_none_or(|p| !o.contains(p)))
                })
            })
        })
    }
}

/// Cells that already hold a marker.
pub struct Thinning {
    origin: Pos2,
    cell: f32,
    cols: usize,
    rows: usize,
    taken: Vec<bool>,
}

impl Thinning {
    /// An empty grid over `area` with cells of `cell` points.
    pub fn new(area: Rect, cell: f32) -> Thinning {
        let cols = (area.width() / cell).ceil().max(1.0) as usize + 1;
        let rows = (area.height() / cell).ceil().max(1.0) as usize + 1;
        Thinning {
            origin: area.min,
            cell,
            cols,
            rows,
            taken: vec![false; cols * rows],
        }
    }

    /// Takes the cell of `p`; false when it was already taken (or `p` is off the grid, which
    /// is never drawn).
    pub fn take(&mut self, p: Pos2) -> bool {
        let x = ((p.x - self.origin.x) / self.cell).floor();
        let y = ((p.y - self.origin.y) / self.cell).floor();
        if x < 0.0 || y < 0.0 || x >= self.cols as f32 || y >= self.rows as f32 {
            return false;
        }
        let i = y as usize * self.cols + x as usize;
        match self.taken.get_mut(i) {
            Some(t) if !*t => {
                *t = true;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_rectangles_are_found_and_others_not() {
        let area = Rect::from_min_max(Pos2::ZERO, Pos2::new(200.0, 100.0));
        let mut g = Occupancy::new(area, 16.0);
        let a = Rect::from_min_max(Pos2::new(10.0, 10.0), Pos2::new(60.0, 20.0));
        g.insert(a);
        assert!(g.hits(
            Rect::from_min_max(Pos2::new(50.0, 15.0), Pos2::new(90.0, 30.0)),
            None
        ));
        assert!(!g.hits(
            Rect::from_min_max(Pos2::new(61.0, 15.0), Pos2::new(90.0, 30.0)),
            None
        ));
        // A rectangle holding the label's own anchor does not count.
        assert!(!g.hits(a, Some(Pos2::new(30.0, 15.0))));
    }

    #[test]
    fn a_cell_takes_one_marker() {
        let area = Rect::from_min_max(Pos2::ZERO, Pos2::new(100.0, 100.0));
        let mut t = Thinning::new(area, 10.0);
        assert!(t.take(Pos2::new(5.0, 5.0)));
        assert!(!t.take(Pos2::new(6.0, 8.0)));
        assert!(t.take(Pos2::new(15.0, 5.0)));
        assert!(!t.take(Pos2::new(-5.0, 5.0)));
    }
}
