from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOCKOUT = "lockout", _("账户锁定")
    DENIED = "denied", _("访问被拒绝")
    CHANGE = "change", _("数据变更")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载")
    DOCUMENT = "document", _("生成文书")
    ADMIN = "admin", _("管理操作")
    LOG_VIEW = "log_view", _("查阅安全日志")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
