//! `copy-to`'s values: a column's kind as PostgreSQL declares it, a value as both sides decode
//! it, the arrays a batch is inserted from, and the checksum over a table's rows.
use sha2::{Digest, Sha256};

/// What a PostgreSQL column holds, as far as the copy is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `bigint`, `integer`, `smallint`: SQLite's INTEGER.
    Int,
    /// `boolean`: SQLite's 0 and 1.
    Bool,
    /// `double precision`, `real`: SQLite's REAL (or an INTEGER in a REAL column).
    Real,
    /// `text`, `character varying`: SQLite's TEXT.
    Text,
    /// `bytea`: SQLite's BLOB.
    Bytes,
}

impl Kind {
    /// The kind of a column of `information_schema.columns.data_type`, if the copy knows it.
    pub fn from_postgres(data_type: &str) -> Option<Kind> {
        match data_type {
            "bigint" | "integer" | "smallint" => Some(Kind::Int),
            "boolean" => Some(Kind::Bool),
            "double precision" | "real" => Some(Kind::Real),
            "text" | "character varying" | "character" => Some(Kind::Text),
            "bytea" => Some(Kind::Bytes),
            _ => None,
        }
    }

    /// The PostgreSQL type a value of this kind travels as (in a batch's arrays, and when the
    /// check reads the copy back).
    pub fn wire(self) -> &'static str {
        match self {
            Kind::Int => "bigint",
            Kind::Bool => "boolean",
            Kind::Real => "float8",
            Kind::Text => "text",
            Kind::Bytes => "bytea",
        }
    }

    /// How an operator reads the kind in a message.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int => "an integer",
            Kind::Bool => "a boolean (0 or 1)",
            Kind::Real => "a number",
            Kind::Text => "text",
            Kind::Bytes => "bytes",
        }
    }
}

/// One value, decoded by its PostgreSQL column's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Bool(bool),
    Real(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// The canonical encoding the checksum hashes: a tag, then integers and booleans as 8-byte
    /// integers, numbers as their 8 bytes, text and bytes as their length then their bytes. NULL
    /// has a tag of its own, so it never reads as an empty text.
    fn encode(&self, into: &mut Sha256) {
        match self {
            Value::Null => into.update([0]),
            Value::Int(n) => {
                into.update([1]);
                into.update(n.to_be_bytes());
            }
            Value::Bool(b) => {
                into.update([1]);
                into.update(i64::from(*b).to_be_bytes());
            }
            Value::Real(x) => {
                into.update([2]);
                into.update(x.to_bits().to_be_bytes());
            }
            Value::Text(s) => bytes(into, s.as_bytes()),
            Value::Bytes(b) => bytes(into, b),
        }
    }

    /// Roughly how many bytes the value takes in a batch.
    pub fn size(&self) -> usize {
        match self {
            Value::Text(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => 8,
        }
    }
}

fn bytes(into: &mut Sha256, b: &[u8]) {
    into.update([3]);
    into.update((b.len() as u64).to_be_bytes());
    into.update(b);
}

/// A table's row count and checksum, as one side read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sum {
    pub rows: u64,
    pub digest: [u8; 32],
}

impl Sum {
    /// The checksum's first 12 hex digits, as the report prints it.
    pub fn prefix(&self) -> String {
        hex::encode(&self.digest[..6])
    }
}

/// A checksum being taken over rows in primary-key order.
#[derive(Default)]
pub struct Tally {
    rows: u64,
    hash: Sha256,
}

impl Tally {
    pub fn row(&mut self, values: &[Value]) {
        self.rows += 1;
        for v in values {
            v.encode(&mut self.hash);
        }
    }

    pub fn finish(self) -> Sum {
        Sum {
            rows: self.rows,
            digest: self.hash.finalize().into(),
        }
    }
}

/// One column of a batch: the values of its rows, as the array `unnest` reads.
pub enum Array {
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Array {
    pub fn new(kind: Kind) -> Array {
        match kind {
            Kind::Int => Array::Int(Vec::new()),
            Kind::Bool => Array::Bool(Vec::new()),
            Kind::Real => Array::Real(Vec::new()),
            Kind::Text => Array::Text(Vec::new()),
            Kind::Bytes => Array::Bytes(Vec::new()),
        }
    }

    /// Adds `value`, already decoded for this column's kind.
    pub fn push(&mut self, value: Value) {
        match (self, value) {
            (Array::Int(v), Value::Int(n)) => v.push(Some(n)),
            (Array::Int(v), Value::Null) => v.push(None),
            (Array::Bool(v), Value::Bool(b)) => v.push(Some(b)),
            (Array::Bool(v), Value::Null) => v.push(None),
            (Array::Real(v), Value::Real(x)) => v.push(Some(x)),
            (Array::Real(v), Value::Null) => v.push(None),
            (Array::Text(v), Value::Text(s)) => v.push(Some(s)),
            (Array::Text(v), Value::Null) => v.push(None),
            (Array::Bytes(v), Value::Bytes(b)) => v.push(Some(b)),
            (Array::Bytes(v), Value::Null) => v.push(None),
            (_, value) => unreachable!("{value:?} was decoded for another kind"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum(rows: &[&[Value]]) -> Sum {
        let mut t = Tally::default();
        for r in rows {
            t.row(r);
        }
        t.finish()
    }

    #[test]
    fn null_empty_text_and_zero_differ_and_booleans_read_as_integers() {
        let null = sum(&[&[Value::Null]]);
        let empty = sum(&[&[Value::Text(String::new())]]);
        let zero = sum(&[&[Value::Int(0)]]);
        assert_ne!(null, empty);
        assert_ne!(empty, zero);
        assert_ne!(null, zero);
        assert_eq!(sum(&[&[Value::Bool(true)]]), sum(&[&[Value::Int(1)]]));
        assert_eq!(
            sum(&[&[Value::Text("é".into())]]),
            sum(&[&[Value::Bytes("é".as_bytes().to_vec())]])
        );
    }

    #[test]
    fn a_value_moved_between_columns_or_rows_changes_the_sum() {
        let a = sum(&[&[Value::Text("ab".into()), Value::Text("c".into())]]);
        let b = sum(&[&[Value::Text("a".into()), Value::Text("bc".into())]]);
        assert_ne!(a, b);
        let one = sum(&[&[Value::Int(1)], &[Value::Int(2)]]);
        let other = sum(&[&[Value::Int(2)], &[Value::Int(1)]]);
        assert_ne!(one, other);
        assert_eq!(one.rows, 2);
    }
}
