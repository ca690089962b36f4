//! The register at the storage level, on both engines: name search paging and combined words,
//! another structure's records out of reach, and a SQLite backup.

use passerelle_db::persons::search::{self, PersonFilter};
use passerelle_db::{Db, DbError, access, persons, territory};
use passerelle_domain::audit::Actor;
use passerelle_domain::persons::{Person, PersonFields, Sex};
use time::macros::date;
use uuid::Uuid;

use crate::databases;

/// Stores a person as the register's service does (the storage write in its transaction).
async fn add(db: &Db, actor: &Actor, f: &PersonFields) -> Person {
    let id = Uuid::now_v7();
    let mut tx = db.begin().await.unwrap();
    persons::insert(&mut tx, actor, id, f).await.unwrap();
    tx.commit().await.unwrap();
    persons::get(db, actor.structure_id, id).await.unwrap()
}

/// A structure of its own, with the default towns, and who acts in it.
async fn structure(db: &Db, name: &str) -> Actor {
    territory::ensure_default_communes(db).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let s = access::structures::insert(&mut tx, name).await.unwrap();
    tx.commit().await.unwrap();
    Actor {
        structure_id: s.id,
        user_id: Uuid::now_v7(),
    }
}

fn fields(last: &str, first: &str) -> PersonFields {
    PersonFields {
        last_name: last.into(),
        first_names: first.into(),
        birth_name: None,
        birth_date: date!(1980 - 01 - 01),
        sex: Sex::Female,
        phone: None,
        email: None,
        address: None,
        commune_code: "59512".into(),
        qpv_code: None,
    }
}

fn filter(query: &str, limit: i64, offset: i64) -> PersonFilter {
    PersonFilter {
        query: query.into(),
        limit,
        offset,
        ..Default::default()
    }
}

#[tokio::test]
async fn search_pages_and_combined_words() {
    for db in databases().await {
        let actor = structure(&db, "MiE de test").await;
        for (last, first) in [
            ("Martin", "Marie"),
            ("Martin", "Jean"),
            ("Dupont", "Marie"),
            ("Martinez", "Luc"),
        ] {
            add(&db, &actor, &fields(last, first)).await;
        }
        let s = actor.structure_id;
        let both = search::search(&db, s, &filter("marie martin", 50, 0))
            .await
            .unwrap();
        assert_eq!(both.total, 1);
        assert_eq!(both.persons[0].full_name(), "Martin Marie");
        let martin = search::search(&db, s, &filter("martin", 50, 0))
            .await
            .unwrap();
        assert_eq!(martin.total, 3, "Martin ×2 and Martinez by prefix");
        assert_eq!(
            martin.persons[2].fields.last_name, "Martinez",
            "exact names first"
        );
        let page2 = search::search(&db, s, &filter("martin", 2, 2))
            .await
            .unwrap();
        assert_eq!((page2.total, page2.persons.len()), (3, 1));
        let past = search::search(&db, s, &filter("martin", 2, 10))
            .await
            .unwrap();
        assert_eq!((past.total, past.persons.len()), (3, 0));
        let none = search::search(&db, s, &filter("zzzz", 50, 0))
            .await
            .unwrap();
        assert_eq!(none.total, 0);
        let all = search::search(&db, s, &filter("", 2, 0)).await.unwrap();
        assert_eq!((all.total, all.persons.len()), (4, 2));
    }
}

#[tokio::test]
async fn records_of_another_structure_are_invisible() {
    for db in databases().await {
        let ours = structure(&db, "MiE de test").await;
        let other = structure(&db, "Autre MiE").await;
        let voisin = fields("Voisin", "Victor");
        let p = add(&db, &other, &voisin).await;
        assert!(matches!(
            persons::get(&db, ours.structure_id, p.id).await,
            Err(DbError::NotFound)
        ));
        let found = search::search(&db, ours.structure_id, &filter("voisin", 50, 0))
            .await
            .unwrap();
        assert_eq!(found.total, 0);
        let duplicates = persons::possible_duplicates(&db, ours.structure_id, &voisin, None)
            .await
            .unwrap();
        assert!(
            duplicates.is_empty(),
            "a duplicate is looked for in the structure only"
        );
    }
}

#[tokio::test]
async fn a_sqlite_backup_is_a_readable_copy() {
    let dir = std::env::temp_dir().join(format!("passerelle-backup-{}", Uuid::now_v7()));
    let db = Db::open_data_dir(&dir).await.unwrap();
    let actor = structure(&db, "MiE de test").await;
    let people: Vec<PersonFields> = (0..50)
        .map(|n| fields(&format!("Personne{n}"), "Camille"))
        .collect();
    persons::bulk_insert(&db, actor.structure_id, &people)
        .await
        .unwrap();
    let target = dir.join("copie.db");
    db.backup_sqlite(&target).await.unwrap();
    let copy = Db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(persons::count(&copy, actor.structure_id).await.unwrap(), 50);
    assert!(
        matches!(db.backup_sqlite(&target).await, Err(DbError::Corrupt(_))),
        "an existing file is never overwritten"
    );
}
