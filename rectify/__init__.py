"""Rectify 审计整改管理系统."""
