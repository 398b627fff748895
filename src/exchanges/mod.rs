//! Exchanges: host households, the candidates the matcher is given, placements of visitors
//! with hosts, minors' guardians, and the screenings that decide who may host minors.

pub mod candidates;
pub mod guardians;
pub mod households;
pub mod placements;
pub mod screening;
