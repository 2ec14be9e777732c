"""In-app inbox and email notifications, in each person's language, sent
through the transactional outbox (`kraya.core.outbox`)."""
