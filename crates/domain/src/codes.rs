//! Stable text codes for enums stored in the database and sent in forms.

/// Gives an enum `code()`, `ALL_CODES` and `FromStr` from a list of `Variant = "code"`.
macro_rules! codes {
    ($name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        impl $name {
            pub const VARIANTS: &'static [$name] = &[$($name::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::access::UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::VARIANTS
                    .iter()
                    .copied()
                    .find(|x| x.code() == s)
                    .ok_or_else(|| $crate::access::UnknownCode(s.to_owned()))
            }
        }
    };
}

pub(crate) use codes;
