//! Open311 parameters from a query string or a form-urlencoded body. Empty values count as absent,
//! as the specification says; `attribute[code]` and `attribute[code][]` carry a service's fields.

use crate::runtime::types::Fields;

/// The parameters of one call.
#[derive(Clone, Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses `a=1&b=2`; `None` when it is not valid form encoding of UTF-8 text.
    pub fn parse(encoded: &[u8]) -> Option<Params> {
        std::str::from_utf8(encoded).ok()?;
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(encoded)
            .ok()
            .map(Params)
    }

    /// Adds `other`'s parameters after these.
    pub fn extend(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// The last non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }

    /// Every non-empty value of `name`, repeated or comma-separated (`service_code=a,b` and
    /// `service_code=a&service_code=b` alike), in order, without repeats.
    pub fn list(&self, name: &str) -> Vec<&str> {
        let mut all: Vec<&str> = Vec::new();
        for (_, value) in self.0.iter().filter(|(k, _)| k == name) {
            for item in value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
                if !all.contains(&item) {
                    all.push(item);
                }
            }
        }
        all
    }

    /// The service's fields: `attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2`.
    pub fn attributes(&self) -> Fields {
        let mut fields = Fields::new();
        for (key, value) in &self.0 {
            let Some(rest) = key.strip_prefix("attribute[") else {
                continue;
            };
            let code = rest.strip_suffix("][]").or_else(|| rest.strip_suffix(']'));
            if let Some(code) = code.filter(|c| !c.is_empty())
                && !value.trim().is_empty()
            {
                fields
                    .entry(code.to_string())
                    .or_default()
                    .push(value.trim().to_string());
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_attributes_collect_lists() {
        let p = Params::parse(b"service_code=&lat=52.1&attribute[items][]=sofa&attribute[items][]=fridge&attribute[category]=pothole&attribute[x]=").unwrap();
        assert_eq!(p.get("service_code"), None);
        assert_eq!(p.get("lat"), Some("52.1"));
        let fields = p.attributes();
        assert_eq!(fields["items"], ["sofa", "fridge"]);
        assert_eq!(fields["category"], ["pothole"]);
        assert!(!fields.contains_key("x"));
        assert!(Params::parse(&[0xff, b'=', b'1']).is_none());
        let p =
            Params::parse(b"service_code=a,b&service_code=c&service_code=&service_code=a").unwrap();
        assert_eq!(p.list("service_code"), ["a", "b", "c"]);
    }
}
