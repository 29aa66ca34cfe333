package fr.coffre.access;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One line of the {@code access_log} table, as Hibernate Reactive maps it for the patient's plain
 * read of their log. Lines are written by {@link AccessLogRepository} with the SQL client, inside
 * the transactions of the changes they record, which a Hibernate session cannot join.
 */
@Entity
@Table(name = "access_log")
public class AccessLogEntry extends PanacheEntityBase {

    @Id
    public Long id;

    @Column(name = "patient_system")
    public String patientSystem;

    @Column(name = "patient_id")
    public String patientId;

    @Column(name = "document_id")
    public UUID documentId;

    @Column(name = "accessor_kind")
    public String accessorKind;

    @Column(name = "accessor_id")
    public String accessorId;

    public String organisation;
    public String role;
    public String action;
    public boolean emergency;
    public String reason;

    @Column(name = "access_mode")
    public String accessMode;

    @Column(name = "accessed_at")
    public OffsetDateTime accessedAt;
}
