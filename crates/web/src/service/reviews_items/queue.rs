//! A reviewer's queue: their items in the tenant's open campaigns, a page
//! per campaign, by keyset on the item ID. The position is a cursor in
//! the query string (`rev_….a123`: after item 123, `rev_….b123`: before
//! it) that names its campaign, so a cursor of another campaign, or one
//! not written by roster, is a 400. The overview shows the first page of
//! each campaign; a campaign's own view (`campaign=…`, `cursor=…`) pages
//! through all of it. At most `QUEUE_PAGE` items per campaign per request.

use roster_core::review::{CampaignId, CampaignStatus};
use roster_store::{Campaign, ItemFilter, ReviewItem};

use crate::auth::Principal;
use crate::error::WebError;
use crate::state::AppState;

/// Items shown per campaign in a queue page.
pub const QUEUE_PAGE: u32 = 200;
/// Open campaigns the overview looks through (newest first).
const QUEUE_CAMPAIGNS: usize = 50;
/// Longest cursor accepted (a campaign ID, a dot, a letter, an item ID).
const MAX_CURSOR: usize = 64;

/// Which of their items a reviewer lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum QueueShow {
    /// Items still to decide (the default).
    #[default]
    Undecided,
    All,
}

impl QueueShow {
    /// `None`/`""`/`undecided` or `all`; anything else is a 400.
    pub fn parse(raw: Option<&str>) -> Result<Self, WebError> {
        match raw.map(str::trim) {
            None | Some("" | "undecided") => Ok(Self::Undecided),
            Some("all") => Ok(Self::All),
            Some(_) => Err(WebError::bad_request(
                "invalid-show",
                "show is undecided or all",
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Undecided => "undecided",
            Self::All => "all",
        }
    }
}

/// Where a page of one campaign's queue starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Items after this ID.
    After(i64),
    /// The last page of items before this ID.
    Before(i64),
}

/// A position in one campaign's queue, as carried in the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub campaign: CampaignId,
    pub at: At,
}

fn nonblank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn bad_cursor() -> WebError {
    WebError::bad_request("invalid-cursor", "the cursor is not a queue position")
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self.at {
            At::After(i) => format!("{}.a{i}", self.campaign),
            At::Before(i) => format!("{}.b{i}", self.campaign),
        }
    }

    /// A cursor as written by `encode` (a 400 otherwise).
    pub fn parse(raw: &str) -> Result<Self, WebError> {
        if raw.len() > MAX_CURSOR {
            return Err(bad_cursor());
        }
        let (campaign, at) = raw.split_once('.').ok_or_else(bad_cursor)?;
        let campaign = CampaignId::parse(campaign).map_err(|_| bad_cursor())?;
        let number = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| s.parse::<i64>().ok())
                .flatten()
                .filter(|n| *n >= 0)
                .ok_or_else(bad_cursor)
        };
        let at = match at.split_at_checked(1) {
            Some(("a", n)) => At::After(number(n)?),
            Some(("b", n)) => At::Before(number(n)?),
            _ => return Err(bad_cursor()),
        };
        Ok(Self { campaign, at })
    }
}

/// What a queue request asks for: every campaign's first page, or one
/// campaign (from its first page, or at a cursor).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueuePage {
    pub show: QueueShow,
    pub campaign: Option<CampaignId>,
    pub cursor: Option<At>,
}

impl QueuePage {
    /// Validates the query string's `show`, `campaign` and `cursor`: a
    /// malformed value, or a cursor of another campaign, is a 400.
    pub fn parse(
        show: Option<&str>,
        campaign: Option<&str>,
        cursor: Option<&str>,
    ) -> Result<Self, WebError> {
        let show = QueueShow::parse(show)?;
        let campaign = nonblank(campaign)
            .map(|c| {
                CampaignId::parse(c)
                    .map_err(|_| WebError::bad_request("invalid-campaign", "not a campaign ID"))
            })
            .transpose()?;
        let cursor = nonblank(cursor).map(Cursor::parse).transpose()?;
        let (campaign, cursor) = match (campaign, cursor) {
            (Some(c), Some(k)) if k.campaign != c => {
                return Err(WebError::bad_request(
                    "invalid-cursor",
                    "the cursor is another campaign's",
                ));
            }
            (c, Some(k)) => (c.or(Some(k.campaign)), Some(k.at)),
            (c, None) => (c, None),
        };
        Ok(Self {
            show,
            campaign,
            cursor,
        })
    }

    /// This position as a query string (`?…`, or empty for the default),
    /// built from validated values only.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if self.show == QueueShow::All {
            parts.push("show=all".to_owned());
        }
        if let Some(c) = &self.campaign {
            parts.push(format!("campaign={c}"));
            if let Some(at) = self.cursor {
                let k = Cursor {
                    campaign: c.clone(),
                    at,
                };
                parts.push(format!("cursor={}", k.encode()));
            }
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// One campaign of a reviewer's queue: a page of their items in it, their
/// progress, and where the neighbouring pages start.
#[derive(Debug, Clone)]
pub struct QueueEntry {
    pub campaign: Campaign,
    pub items: Vec<ReviewItem>,
    /// The caller's items in the campaign, shown or not.
    pub assigned: u64,
    /// Of those, the ones decided (keep or revoke).
    pub decided: u64,
    /// Where this page starts (`None`: the first page).
    pub at: Option<At>,
    pub previous: Option<Cursor>,
    pub next: Option<Cursor>,
}

fn filter(who: &Principal, show: QueueShow) -> ItemFilter {
    ItemFilter {
        reviewer: Some(who.user.email.clone()),
        decision: (show == QueueShow::Undecided).then_some(None),
        ..ItemFilter::default()
    }
}

/// Whether any item of the filter lies after (or before) `id`.
async fn any_beyond(
    state: &AppState,
    who: &Principal,
    campaign: &CampaignId,
    base: &ItemFilter,
    at: At,
) -> Result<bool, WebError> {
    let (f, after) = match at {
        At::After(i) => (base.clone(), Some(i)),
        At::Before(i) => (
            ItemFilter {
                before: Some(i),
                ..base.clone()
            },
            None,
        ),
    };
    let found = state
        .store
        .review_items(who.tenant(), campaign, &f, after, 1)
        .await?;
    Ok(!found.is_empty())
}

/// One page of the caller's items in `campaign` at `at`, with its
/// progress and neighbours; `None` when the caller has no item there.
async fn entry(
    state: &AppState,
    who: &Principal,
    campaign: Campaign,
    show: QueueShow,
    at: Option<At>,
) -> Result<Option<QueueEntry>, WebError> {
    let mine = state
        .store
        .progress_of(who.tenant(), &campaign.id, &who.user.email)
        .await?;
    if mine.items == 0 {
        return Ok(None);
    }
    let base = filter(who, show);
    let (f, after) = match at {
        None => (base.clone(), None),
        Some(At::After(i)) => (base.clone(), Some(i)),
        Some(At::Before(i)) => (
            ItemFilter {
                before: Some(i),
                ..base.clone()
            },
            None,
        ),
    };
    let mut items = state
        .store
        .review_items(who.tenant(), &campaign.id, &f, after, QUEUE_PAGE + 1)
        .await?;
    // One more than a page tells whether there is a page beyond, on the
    // side read towards; the other side is probed with one item.
    let over = items.len() > QUEUE_PAGE as usize;
    let backwards = matches!(at, Some(At::Before(_)));
    if over {
        if backwards {
            items.remove(0);
        } else {
            items.truncate(QUEUE_PAGE as usize);
        }
    }
    let (first, last) = match (items.first(), items.last()) {
        (Some(f), Some(l)) => (f.id, l.id),
        _ => match at {
            None => (1, 0),
            Some(At::After(i)) => (i + 1, i),
            Some(At::Before(i)) => (i, i - 1),
        },
    };
    let has_previous = if backwards {
        over
    } else {
        at.is_some() && any_beyond(state, who, &campaign.id, &base, At::Before(first)).await?
    };
    let has_next = if backwards {
        any_beyond(state, who, &campaign.id, &base, At::After(last)).await?
    } else {
        over
    };
    let cursor = |at| Cursor {
        campaign: campaign.id.clone(),
        at,
    };
    Ok(Some(QueueEntry {
        previous: has_previous.then(|| cursor(At::Before(first))),
        next: has_next.then(|| cursor(At::After(last))),
        assigned: mine.items,
        decided: mine.decided,
        at,
        items,
        campaign,
    }))
}

/// The caller's own items: with no campaign, the first page of each open
/// campaign where they have something to show (newest first); with one,
/// that campaign's page at the cursor (a campaign that is not open, of
/// another tenant, or without items of theirs is not found).
pub async fn queue(
    state: &AppState,
    who: &Principal,
    page: &QueuePage,
) -> Result<Vec<QueueEntry>, WebError> {
    if let Some(id) = &page.campaign {
        let campaign = state.store.get_campaign(who.tenant(), id).await?;
        if campaign.status != CampaignStatus::Open {
            return Err(WebError::NotFound("campaign".into()));
        }
        return entry(state, who, campaign, page.show, page.cursor)
            .await?
            .map(|e| vec![e])
            .ok_or_else(|| WebError::NotFound("campaign".into()));
    }
    let mut out = Vec::new();
    let campaigns = state.store.list_campaigns(who.tenant()).await?;
    for campaign in campaigns
        .into_iter()
        .filter(|c| c.status == CampaignStatus::Open)
        .take(QUEUE_CAMPAIGNS)
    {
        if let Some(e) = entry(state, who, campaign, page.show, None).await?
            && !e.items.is_empty()
        {
            out.push(e);
        }
    }
    Ok(out)
}
