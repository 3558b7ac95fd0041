//! Pretty JSON text, written fast: byte for byte what `serde_json::to_writer_pretty` writes
//! (two-space indent, `"key": value`, one value per line, `[]` and `{}` when empty, the same
//! string escapes), from a serializer of our own.
//!
//! Why it exists: the canonical interchange JSON of a large catalog is 150 MB (a bundle's
//! `catalog.json`, `plansmith dump`), and serde_json's pretty printer spent about a CPU-second
//! on it: it escapes every field name again for every object, passes every token through
//! `io::Write` one by one, and formats each id through the formatting machinery. This writer
//! keeps the text in one buffer, writes a field name (a `&'static str` from the derives) with a
//! quick check, and indents from a slice of spaces. The layout is serde_json's, so the
//! canonical text did not change; `tests/json_text.rs` holds the two writers to the same bytes
//! on the demo, on generated catalogs and on every part of serde's data model.
//!
//! Only what the serde data model hands a serializer is written; there is no reading here.

use std::fmt::{self, Write as _};
use std::io;

use serde::Serialize;
use serde::ser::{self, Error as _};

/// The text of `value`, as `serde_json::to_vec_pretty` gives it.
pub fn to_vec_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    to_writer_pretty(Vec::with_capacity(4096), value)
}

/// The text of `value`, as `serde_json::to_string_pretty` gives it.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let bytes = to_vec_pretty(value)?;
    // Only `&str`s and ASCII are ever written, so the text is UTF-8.
    String::from_utf8(bytes).map_err(serde_json::Error::custom)
}

/// `value` written to `out`, as `serde_json::to_writer_pretty` writes it, in pieces of about
/// [`PIECE`] bytes.
pub fn to_writer_pretty<W: io::Write, T: Serialize + ?Sized>(out: W, value: &T) -> serde_json::Result<W> {
    let mut p = Pretty::new(out);
    value.serialize(&mut p)?;
    p.into_inner()
}

/// The text is handed to the writer in pieces of about this many bytes.
pub const PIECE: usize = 64 * 1024;

/// The serializer: the text so far (up to a piece), where it goes, and the layout state of
/// serde_json's `PrettyFormatter` (the indent, and whether the innermost array or object
/// written so far holds a value).
pub struct Pretty<W: io::Write> {
    out: W,
    buf: Vec<u8>,
    indent: usize,
    has_value: bool,
}

impl<W: io::Write> Pretty<W> {
    pub fn new(out: W) -> Pretty<W> {
        Pretty { out, buf: Vec::with_capacity(PIECE + 4096), indent: 0, has_value: false }
    }

    /// Writes what is left and gives the writer back.
    pub fn into_inner(mut self) -> serde_json::Result<W> {
        self.out.write_all(&self.buf).map_err(serde_json::Error::io)?;
        Ok(self.out)
    }

    fn spill(&mut self) -> serde_json::Result<()> {
        if self.buf.len() >= PIECE {
            self.out.write_all(&self.buf).map_err(serde_json::Error::io)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn newline_and_indent(&mut self) {
        const SPACES: [u8; 64] = [b' '; 64];
        self.buf.push(b'\n');
        let mut n = self.indent * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.buf.extend_from_slice(&SPACES[..k]);
            n -= k;
        }
    }

    /// `[` or `{`.
    fn open(&mut self, bracket: u8) {
        self.indent += 1;
        self.has_value = false;
        self.buf.push(bracket);
    }

    /// `]` or `}`, on a line of its own when anything was written inside.
    fn close(&mut self, bracket: u8) {
        self.indent -= 1;
        if self.has_value {
            self.newline_and_indent();
        }
        self.buf.push(bracket);
    }

    /// Before an element or a key: a new line (after a comma when it is not the first).
    fn item(&mut self, first: bool) -> serde_json::Result<()> {
        self.spill()?;
        if !first {
            self.buf.push(b',');
        }
        self.newline_and_indent();
        Ok(())
    }

    /// `{"variant": ` before the value of a tuple or struct variant.
    fn variant_key(&mut self, variant: &str) -> serde_json::Result<()> {
        self.open(b'{');
        self.item(true)?;
        self.string(variant);
        self.buf.extend_from_slice(b": ");
        Ok(())
    }

    fn string(&mut self, s: &str) {
        self.buf.push(b'"');
        escape_into(&mut self.buf, s.as_bytes());
        self.buf.push(b'"');
    }

    /// `Display` output as a JSON string, escaped as it is formatted.
    fn display<T: fmt::Display + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        struct Escaping<'a>(&'a mut Vec<u8>);
        impl fmt::Write for Escaping<'_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                escape_into(self.0, s.as_bytes());
                Ok(())
            }
        }
        self.buf.push(b'"');
        write!(Escaping(&mut self.buf), "{value}")
            .map_err(|_| serde_json::Error::custom("a value failed to format"))?;
        self.buf.push(b'"');
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";
/// What serde_json writes for each byte: 0 as it is, `u` as `\u00XX`, else `\` and the byte.
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends `s` escaped as a JSON string's contents, copying the runs between escapes whole.
fn escape_into(buf: &mut Vec<u8>, s: &[u8]) {
    let mut start = 0;
    for (i, &b) in s.iter().enumerate() {
        let e = ESCAPE[b as usize];
        if e == 0 {
            continue;
        }
        buf.extend_from_slice(&s[start..i]);
        if e == b'u' {
            buf.extend_from_slice(b"\\u00");
            buf.push(HEX[(b >> 4) as usize]);
            buf.push(HEX[(b & 0xf) as usize]);
        } else {
            buf.push(b'\\');
            buf.push(e);
        }
        start = i + 1;
    }
    buf.extend_from_slice(&s[start..]);
}

/// An array or object being written: whether it was empty from the start (written whole
/// already), and whether the next element is its first.
pub struct Compound<'a, W: io::Write> {
    p: &'a mut Pretty<W>,
    empty: bool,
    first: bool,
}

impl<'a, W: io::Write> Compound<'a, W> {
    fn open(p: &'a mut Pretty<W>, bracket: u8, len: Option<usize>) -> Compound<'a, W> {
        p.open(bracket);
        let empty = len == Some(0);
        if empty {
            p.close(if bracket == b'[' { b']' } else { b'}' });
        }
        Compound { p, empty, first: true }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.p.item(self.first)?;
        self.first = false;
        value.serialize(&mut *self.p)?;
        self.p.has_value = true;
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> serde_json::Result<()> {
        self.p.item(self.first)?;
        self.first = false;
        self.p.string(key);
        self.p.buf.extend_from_slice(b": ");
        value.serialize(&mut *self.p)?;
        self.p.has_value = true;
        Ok(())
    }

    fn close(self, bracket: u8) {
        if !self.empty {
            self.p.close(bracket);
        }
    }

    /// Closes a variant's array or object, then the `{"variant": …}` around it.
    fn close_variant(self, bracket: u8) {
        let p = &mut *self.p;
        if !self.empty {
            p.close(bracket);
        }
        p.has_value = true;
        p.close(b'}');
    }
}

macro_rules! integers {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(fn $name(self, v: $t) -> serde_json::Result<()> {
            self.buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            Ok(())
        })*
    };
}

impl<'a, W: io::Write> ser::Serializer for &'a mut Pretty<W> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.buf.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    integers!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    );
    fn serialize_f32(self, v: f32) -> serde_json::Result<()> {
        // Rare in a catalog: serde_json's own text for it.
        serde_json::to_writer(&mut self.buf, &v)
    }
    fn serialize_f64(self, v: f64) -> serde_json::Result<()> {
        serde_json::to_writer(&mut self.buf, &v)
    }
    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> serde_json::Result<()> {
        // serde_json writes bytes as an array of numbers.
        let mut c = Compound::open(self, b'[', Some(v.len()));
        for b in v {
            c.element(b)?;
        }
        c.close(b']');
        Ok(())
    }
    fn serialize_none(self) -> serde_json::Result<()> {
        self.buf.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> serde_json::Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> serde_json::Result<()> {
        self.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> serde_json::Result<()> {
        let mut c = Compound::open(self, b'{', None);
        c.field(variant, value)?;
        c.close(b'}');
        Ok(())
    }
    fn serialize_seq(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        Ok(Compound::open(self, b'[', len))
    }
    fn serialize_tuple(self, len: usize) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        // `{"variant": [ …` ; the array's end closes the object too.
        self.variant_key(variant)?;
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, len: Option<usize>) -> serde_json::Result<Compound<'a, W>> {
        Ok(Compound::open(self, b'{', len))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> serde_json::Result<Compound<'a, W>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        len: usize,
    ) -> serde_json::Result<Compound<'a, W>> {
        self.variant_key(variant)?;
        self.serialize_map(Some(len))
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        self.display(value)
    }
}

/// The array-like parts of serde's data model: each element on a line, `]` at the end; a tuple
/// variant closes its `{"variant": …}` too.
macro_rules! arrays {
    ($($trait:ident::$method:ident => $close:ident),* $(,)?) => {
        $(impl<W: io::Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = serde_json::Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
                self.element(value)
            }
            fn end(self) -> serde_json::Result<()> {
                self.$close(b']');
                Ok(())
            }
        })*
    };
}

arrays!(
    SerializeSeq::serialize_element => close,
    SerializeTuple::serialize_element => close,
    SerializeTupleStruct::serialize_field => close,
    SerializeTupleVariant::serialize_field => close_variant,
);

impl<W: io::Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> serde_json::Result<()> {
        self.p.item(self.first)?;
        self.first = false;
        key.serialize(Key(&mut *self.p))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        self.p.buf.extend_from_slice(b": ");
        value.serialize(&mut *self.p)?;
        self.p.has_value = true;
        Ok(())
    }
    fn end(self) -> serde_json::Result<()> {
        self.close(b'}');
        Ok(())
    }
}

/// Structs and struct variants: each field on a line, `}` at the end.
macro_rules! objects {
    ($($trait:ident => $close:ident),* $(,)?) => {
        $(impl<W: io::Write> ser::$trait for Compound<'_, W> {
            type Ok = ();
            type Error = serde_json::Error;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> serde_json::Result<()> {
                self.field(key, value)
            }
            fn end(self) -> serde_json::Result<()> {
                self.$close(b'}');
                Ok(())
            }
        })*
    };
}

objects!(SerializeStruct => close, SerializeStructVariant => close_variant);

/// A map key: JSON keys are strings, so numbers and booleans are quoted, as serde_json does.
struct Key<'a, W: io::Write>(&'a mut Pretty<W>);

impl<W: io::Write> Key<'_, W> {
    /// A float key: serde_json's text for the number, quoted.
    fn float<T: Serialize>(self, v: &T) -> serde_json::Result<()> {
        let text = serde_json::to_string(v)?;
        self.0.string(&text);
        Ok(())
    }
}

fn not_a_key() -> serde_json::Error {
    serde_json::Error::custom("key must be a string")
}

macro_rules! quoted_keys {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(fn $name(self, v: $t) -> serde_json::Result<()> {
            self.0.buf.push(b'"');
            self.0.buf.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
            self.0.buf.push(b'"');
            Ok(())
        })*
    };
}

impl<W: io::Write> ser::Serializer for Key<'_, W> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = ser::Impossible<(), serde_json::Error>;
    type SerializeTuple = ser::Impossible<(), serde_json::Error>;
    type SerializeTupleStruct = ser::Impossible<(), serde_json::Error>;
    type SerializeTupleVariant = ser::Impossible<(), serde_json::Error>;
    type SerializeMap = ser::Impossible<(), serde_json::Error>;
    type SerializeStruct = ser::Impossible<(), serde_json::Error>;
    type SerializeStructVariant = ser::Impossible<(), serde_json::Error>;

    fn serialize_bool(self, v: bool) -> serde_json::Result<()> {
        self.0.buf.extend_from_slice(if v { b"\"true\"" } else { b"\"false\"" });
        Ok(())
    }
    quoted_keys!(
        serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128,
    );
    fn serialize_f32(self, v: f32) -> serde_json::Result<()> {
        self.float(&v)
    }
    fn serialize_f64(self, v: f64) -> serde_json::Result<()> {
        self.float(&v)
    }
    fn serialize_char(self, v: char) -> serde_json::Result<()> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> serde_json::Result<()> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _v: &[u8]) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> serde_json::Result<()> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> serde_json::Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _value: &T,
    ) -> serde_json::Result<()> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeSeq> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> serde_json::Result<Self::SerializeTuple> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleStruct> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeTupleVariant> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> serde_json::Result<Self::SerializeMap> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> serde_json::Result<Self::SerializeStruct> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> serde_json::Result<Self::SerializeStructVariant> {
        Err(not_a_key())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> serde_json::Result<()> {
        self.0.display(value)
    }
}
