"""What the HTTP backends share: API-safe tool names, and the SDK backends' common options."""

from __future__ import annotations

import os
from typing import Any, ClassVar

from fcbench.credentials import register
from fcbench.errors import UsageError
from fcbench.models.base import GenerateConfig, Model
from fcbench.models.chat_format import api_safe_names, omit_fields, restore_names
from fcbench.models.options import number_option, object_option
from fcbench.records import ModelOutput, Request


class ApiChatModel(Model):
    """A backend that sends tools to an HTTP API: names go out API-safe and come back as they were."""

    async def generate(self, request: Request) -> ModelOutput:
        safe_request, back = api_safe_names(request)
        output = await self._generate(safe_request)
        return restore_names(output, back) if request.restore_names else output

    async def _generate(self, request: Request) -> ModelOutput:
        raise NotImplementedError


class SDKChatModel(ApiChatModel):
    """A backend built on a vendor SDK: one endpoint, a key from the environment, SDK retries off."""

    #: environment variable holding the endpoint when --base-url is not given
    base_url_env: ClassVar[str]

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: str | None = None,
                 base_urls: Any = None, api_key_env: str, timeout: float = 120,
                 extra_body: dict[str, Any] | None = None, omit: Any = None, http_client: Any = None,
                 **options: Any):
        super().__init__(name, config, **options)
        if isinstance(base_urls, list) and len(base_urls) > 1:
            hint = "; use openai-compatible/ to spread requests over several servers" \
                if self.provider == "openai" else ""
            raise UsageError(f"{self.provider}/ takes one --base-url{hint}")
        self.model_id = name.split("/", 1)[1]
        self.base_url = base_url or os.environ.get(self.base_url_env) or None
        key = os.environ.get(str(api_key_env))
        if not key and not self.base_url:
            raise UsageError(f"{self.provider}/ needs an API key in ${api_key_env}")
        self._api_key = key or "EMPTY"
        register(key)
        self.timeout = number_option("timeout", timeout, positive=True)
        self.extra_body = object_option("extra_body", extra_body)
        self.omit = omit_fields(omit)
        self._http_client = http_client  # tests inject an httpx2 client with a MockTransport
        self._client: Any = None
