//! The story stage: which articles tell the same story, whatever their wording.
//!
//! Data flow:
//! 1. sketch pass ([`weights::WordRarities::tally`]): each article's content
//!    terms (stems of its content words); their document frequencies are
//!    counted on each thread, and its [`weights::DISTINCTIVE_TERMS`] rarest
//!    terms by the background model kept ([`weights::distinctive_terms`]);
//! 2. [`weights::TermWeights`]: idf from the corpus blended with the
//!    [`background::Background`] model (shipped English model, or `--idf FILE`);
//! 3. [`candidates::distinctive_term_pairs`]: pairs sharing more distinctive terms than
//!    chance would explain;
//! 4. [`score::StoryProfile`]: the exact story similarity of each checked pair,
//!    on the texts the pair stage reads again;
//! 5. [`evidence::shared_evidence`]: shared names, numbers and quotes of pairs
//!    graded `rewrite`;
//! 6. [`linkage::story_clusters`]: story clusters by average linkage.

pub mod background;
pub mod candidates;
pub mod dateline;
pub mod evidence;
pub mod linkage;
pub mod score;
pub mod weights;

pub use background::Background;
pub use score::{StoryProfile, StorySimilarity};
pub use weights::TermWeights;
