//! The fields of an event record, as a type: what a record leaves out, what an update
//! changed, which list of a record a conflict blames. Every backend and format speaks of
//! fields in these terms; [`Field::as_str`] is the name a user reads (the JSON member, the
//! CSV column).

use std::fmt;

/// One field of an event record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    Key,
    Title,
    Kind,
    Start,
    End,
    Mode,
    Location,
    Region,
    Project,
    Description,
    Source,
    Tags,
    Organizers,
    Partners,
    Sessions,
    Participants,
}

impl Field {
    /// Every field, in the order of the interchange shape.
    pub const ALL: [Field; 17] = [
        Field::Id,
        Field::Key,
        Field::Title,
        Field::Kind,
        Field::Start,
        Field::End,
        Field::Mode,
        Field::Location,
        Field::Region,
        Field::Project,
        Field::Description,
        Field::Source,
        Field::Tags,
        Field::Organizers,
        Field::Partners,
        Field::Sessions,
        Field::Participants,
    ];

    /// The field's name, as JSON and CSV write it and messages say it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Key => "key",
            Field::Title => "title",
            Field::Kind => "kind",
            Field::Start => "start",
            Field::End => "end",
            Field::Mode => "mode",
            Field::Location => "location",
            Field::Region => "region",
            Field::Project => "project",
            Field::Description => "description",
            Field::Source => "source",
            Field::Tags => "tags",
            Field::Organizers => "organizers",
            Field::Partners => "partners",
            Field::Sessions => "sessions",
            Field::Participants => "participants",
        }
    }

    /// The field with this name, if one has it.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_found_by_its_name() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.as_str()), Some(field));
        }
        assert_eq!(Field::from_name("participants[0].name"), None);
    }
}
