//! The one error every problem's `Problem::new` returns: [`InputError`], naming the item and
//! the field at fault (STYLE.md §3, after ripgrep's `globset::Error { glob, kind }`).
//!
//! Infeasibility is not an error: what cannot be placed comes back in a solution's `unmet` list
//! with an [`UnmetReason`](crate::unmet::UnmetReason). An `InputError` only says that the input
//! itself is malformed; once `Problem::new` has accepted it, `solve` cannot fail.

/// A field of an input item is invalid. The French `Display` names the item, its index and
/// the field (`"visite 3, champ plages : plages non triées ou qui se chevauchent"`); the caller,
/// who knows which record index 3 is, may rebuild the message with the record's code from the
/// fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{item} {index}, champ {field} : {message}")]
pub struct InputError {
    /// What kind of item, in French: `"référent"`, `"famille"`, `"visite"`, `"journée"`,
    /// `"véhicule"`, `"lieu"`, `"trajets"`.
    pub item: &'static str,
    /// Its index in the problem's list of such items.
    pub index: usize,
    /// The field, in French.
    pub field: &'static str,
    /// What is wrong, in French.
    pub message: String,
}

impl InputError {
    /// The error for `field` of the `index`-th `item`.
    pub fn new(
        item: &'static str,
        index: usize,
        field: &'static str,
        message: impl Into<String>,
    ) -> InputError {
        InputError {
            item,
            index,
            field,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_item_and_the_field_in_french() {
        let err = InputError::new("visite", 3, "durée", "négative");
        assert_eq!(err.to_string(), "visite 3, champ durée : négative");
    }
}
